using System.Globalization;
using System.Diagnostics;
using Npgsql;

namespace Optline.Load;

/// <summary>
/// The PostgreSQL of a <c>--postgres</c> run: the server in <c>OPTLINE_BENCH_POSTGRES</c> (a connection string), or a
/// throwaway PostgreSQL 15 cluster from /usr/lib/postgresql/15/bin on a free loopback port (as root, run as the
/// postgres user), stopped and deleted at the end — also if this process dies, by a detached watchdog.
/// Each use gets a database of its own. <c>synchronous_commit</c> stays on, as Optline sets it per connection.
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    public const string EnvironmentVariable = "OPTLINE_BENCH_POSTGRES";

    /// <summary>Extra server settings for the throwaway cluster ("-c name=value ..."), to try a setting side by side.</summary>
    public const string OptionsVariable = "OPTLINE_BENCH_POSTGRES_OPTIONS";

    private const string Bin = "/usr/lib/postgresql/15/bin";

    private readonly string? _directory;
    private readonly bool _asRoot;
    private readonly List<string> _databases = [];

    private PostgresCluster(string admin, string? directory, bool asRoot)
    {
        AdminConnectionString = admin;
        _directory = directory;
        _asRoot = asRoot;
    }

    public string AdminConnectionString { get; }

    /// <summary>Where the cluster keeps its data (for the fsync probe), when this harness started it.</summary>
    public string? DataDirectory => _directory is null ? null : Path.Combine(_directory, "data");

    public static async Task<PostgresCluster> StartAsync()
    {
        var given = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(given))
        {
            return new PostgresCluster(given, null, false);
        }

        if (!File.Exists(Path.Combine(Bin, "initdb")))
        {
            throw new InvalidOperationException($"PostgreSQL is not available: set {EnvironmentVariable} or install PostgreSQL 15 in {Bin}.");
        }

        var directory = Directory.CreateTempSubdirectory("optline-load-pg-").FullName;
        var data = Path.Combine(directory, "data");
        var port = Net.FreePort();
        var asRoot = string.Equals(Environment.UserName, "root", StringComparison.Ordinal);
        if (asRoot)
        {
            await RunAsync("chown", ["postgres:postgres", directory]);
        }

        Watchdog(directory, asRoot);
        await PgAsync(asRoot, "initdb", ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C.UTF-8"]);
        await PgAsync(asRoot, "pg_ctl", ["-D", data, "-w", "-l", Path.Combine(directory, "log"), "-o",
            $"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c max_connections=200 -c synchronous_commit=on -c fsync=on {Environment.GetEnvironmentVariable(OptionsVariable)}", "start"]);
        return new PostgresCluster($"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres", directory, asRoot);
    }

    /// <summary>
    /// CPU time of the cluster's processes alive now (the postmaster and its children), in milliseconds; NaN when the
    /// cluster is not this harness's. Backends live as long as their pooled connections, so a difference over a run
    /// that keeps its connections is the server's share of the work.
    /// </summary>
    public double CpuMs()
    {
        if (DataDirectory is null || !File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            return double.NaN;
        }

        var postmaster = int.Parse(File.ReadLines(Path.Combine(DataDirectory, "postmaster.pid")).First(), CultureInfo.InvariantCulture);
        var total = 0.0;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }

            try
            {
                var parent = int.Parse(File.ReadAllText($"/proc/{pid}/stat").Split(')')[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
                if (pid == postmaster || parent == postmaster)
                {
                    total += ProcessStats.CpuMs(pid);
                }
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
        }

        return total;
    }

    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 60)];
        await ExecuteAsync($"CREATE DATABASE \"{name}\"");
        _databases.Add(name);
        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name, MaxPoolSize = 100 }.ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_directory is null)
        {
            foreach (var name in _databases)
            {
                await ExecuteAsync($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
            }

            return;
        }

        await PgAsync(_asRoot, "pg_ctl", ["-D", Path.Combine(_directory, "data"), "-m", "immediate", "stop"], check: false);
        Directory.Delete(_directory, recursive: true);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(AdminConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static void Watchdog(string directory, bool asRoot)
    {
        var stop = $"{Path.Combine(Bin, "pg_ctl")} -D '{Path.Combine(directory, "data")}' -m immediate stop";
        var script = "exec >/dev/null 2>&1 </dev/null; " +
            $"while kill -0 {Environment.ProcessId}; do sleep 1; done; {(asRoot ? "runuser -u postgres -- " : string.Empty)}{stop}; rm -rf '{directory}'";
        using var watchdog = Process.Start(new ProcessStartInfo("setsid", ["-f", "sh", "-c", script]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("Could not start the PostgreSQL clean-up watchdog.");
    }

    private static Task PgAsync(bool asRoot, string tool, string[] arguments, bool check = true) =>
        asRoot ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(Bin, tool), .. arguments], check) : RunAsync(Path.Combine(Bin, tool), arguments, check);

    private static async Task RunAsync(string file, IEnumerable<string> arguments, bool check = true)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        if (check && process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', start.ArgumentList)} exited with {process.ExitCode}: {await output}{await error}");
        }
    }
}
