using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Optline.Storage.Tests.Support;

/// <summary>
/// The PostgreSQL every test of the run shares: the one named by <c>OPTLINE_TEST_POSTGRES</c>, or else a
/// throwaway PostgreSQL 15 cluster started once, on first use, and stopped and deleted when the test process exits.
/// Each test gets a database of its own (<see cref="CreateDatabaseAsync"/>).
/// </summary>
internal sealed class PostgresServer : IAsyncDisposable
{
    public const string EnvironmentVariable = "OPTLINE_TEST_POSTGRES";
    private const string Bin = "/usr/lib/postgresql/15/bin";

    private static readonly Lazy<Task<PostgresServer>> Shared = new(StartAsync);

    private string? _directory;
    private string? _options;
    private bool _asRoot;

    private PostgresServer(string adminConnectionString) => AdminConnectionString = adminConnectionString;

    public string AdminConnectionString { get; }

    /// <summary>Whether PostgreSQL tests can run here: a connection string is given, or the binaries are installed.</summary>
    public static bool IsAvailable =>
        !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(EnvironmentVariable)) || File.Exists(Path.Combine(Bin, "initdb"));

    /// <summary>In CI a missing PostgreSQL is a failure, never a skip.</summary>
    public static bool IsRequired => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"));

    public static string UnavailableReason =>
        $"PostgreSQL is not available: set {EnvironmentVariable} to a connection string or install PostgreSQL 15 in {Bin}.";

    public static Task<PostgresServer> GetAsync() => Shared.Value;

    public async Task<string> CreateDatabaseAsync(string name)
    {
        await ExecuteAsync($"CREATE DATABASE \"{name}\"");
        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name }.ConnectionString;
    }

    public Task DropDatabaseAsync(string name) => ExecuteAsync($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");

    public async Task ExecuteAsync(string sql, string? database = null)
    {
        var builder = new NpgsqlConnectionStringBuilder(AdminConnectionString) { Pooling = false };
        if (database is not null)
        {
            builder.Database = database;
        }

        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<PostgresServer> StartAsync()
    {
        var given = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(given))
        {
            return new PostgresServer(given);
        }

        return await StartClusterAsync([]);
    }

    /// <summary>
    /// A cluster of the calling test's own, which it may crash (<see cref="StopImmediatelyAsync"/>) and start again;
    /// it is stopped and deleted when the test disposes of it.
    /// </summary>
    public static Task<PostgresServer> StartPrivateAsync(params string[] settings) => StartClusterAsync(settings);

    /// <summary>A crash: <c>pg_ctl stop -m immediate</c>, no checkpoint, every connection cut.</summary>
    public Task StopImmediatelyAsync() => PgCtlAsync("-m", "immediate", "-w", "stop");

    /// <summary>Starts the cluster again on the same data and port; crash recovery runs first.</summary>
    public Task StartAgainAsync() => PgCtlAsync("-w", "-l", Path.Combine(_directory!, "log"), "-o", _options!, "start");

    public async ValueTask DisposeAsync()
    {
        if (_directory is null)
        {
            return;
        }

        try
        {
            await PgCtlAsync("-m", "immediate", "stop");
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }

        Directory.Delete(_directory, recursive: true);
    }

    private static async Task<PostgresServer> StartClusterAsync(string[] settings)
    {
        if (!File.Exists(Path.Combine(Bin, "initdb")))
        {
            throw new InvalidOperationException(UnavailableReason);
        }

        var directory = Directory.CreateTempSubdirectory("optline-storage-pg-").FullName;
        var data = Path.Combine(directory, "data");
        var port = FreePort();
        var asRoot = string.Equals(Environment.UserName, "root", StringComparison.Ordinal);
        if (asRoot)
        {
            await ProcessRunner.RunAsync("chown", ["postgres:postgres", directory]);
        }

        StopWhenThisProcessExits(directory, asRoot);
        await Postgres(asRoot, "initdb", ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C.UTF-8"]);
        var server = new PostgresServer($"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres")
        {
            _directory = directory,
            _options = $"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c max_connections=200" + string.Concat(settings.Select(setting => " -c " + setting)),
            _asRoot = asRoot,
        };
        await server.StartAgainAsync();
        return server;
    }

    private Task<string> PgCtlAsync(params string[] arguments) => Postgres(_asRoot, "pg_ctl", ["-D", Path.Combine(_directory!, "data"), .. arguments]);

    /// <summary>
    /// Stops and deletes the cluster once this test process has exited, however it exits (the test host may be
    /// killed before any exit handler finishes). A detached shell waits for the process and then cleans up.
    /// </summary>
    private static void StopWhenThisProcessExits(string directory, bool asRoot)
    {
        var stop = $"{Path.Combine(Bin, "pg_ctl")} -D '{Path.Combine(directory, "data")}' -m immediate stop";
        var script = "exec >/dev/null 2>&1 </dev/null; " +
            $"while kill -0 {Environment.ProcessId}; do sleep 0.5; done; {(asRoot ? "runuser -u postgres -- " : string.Empty)}{stop}; rm -rf '{directory}'";
        using var watchdog = Process.Start(new ProcessStartInfo("setsid", ["-f", "sh", "-c", script]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("Could not start the PostgreSQL clean-up watchdog.");
    }

    private static Task<string> Postgres(bool asRoot, string tool, string[] arguments) =>
        asRoot
            ? ProcessRunner.RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(Bin, tool), .. arguments])
            : ProcessRunner.RunAsync(Path.Combine(Bin, tool), arguments);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
