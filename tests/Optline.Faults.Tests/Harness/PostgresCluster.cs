using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Optline.Faults;

/// <summary>
/// A throwaway PostgreSQL 15 cluster of one fault run (it gets stopped mid-run, so it is never shared): initdb in a
/// temporary folder, started as the postgres user on a loopback port, stopped with <c>pg_ctl stop -m immediate</c>
/// (a crash: no checkpoint, connections cut) and started again on the same data. A detached watchdog stops and
/// deletes it when the process that made it exits, however it exits.
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    public const string Bin = "/usr/lib/postgresql/15/bin";

    private readonly string _directory;
    private readonly bool _asRoot;

    private PostgresCluster(string directory, int port, bool asRoot)
    {
        _directory = directory;
        Port = port;
        _asRoot = asRoot;
    }

    public int Port { get; }

    /// <summary>Whether PostgreSQL runs here: the binaries are installed.</summary>
    public static bool IsInstalled => File.Exists(Path.Combine(Bin, "initdb"));

    /// <summary>In CI a missing PostgreSQL is a failure, never a skip.</summary>
    public static bool IsRequired => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"));

    public static string UnavailableReason => $"PostgreSQL 15 is not installed in {Bin}.";

    private string DataDirectory => Path.Combine(_directory, "data");

    public static async Task<PostgresCluster> StartAsync()
    {
        if (!IsInstalled)
        {
            throw new InvalidOperationException(UnavailableReason);
        }

        var directory = Scratch.NewDirectory("optline-faults-pg-");
        var asRoot = string.Equals(Environment.UserName, "root", StringComparison.Ordinal);
        if (asRoot)
        {
            await RunAsync("chown", ["postgres:postgres", directory]);
        }

        var cluster = new PostgresCluster(directory, FreePort(), asRoot);
        cluster.StopWhenThisProcessExits();
        await cluster.ToolAsync("initdb", ["-D", cluster.DataDirectory, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C.UTF-8"]);
        await cluster.StartAgainAsync();
        return cluster;
    }

    /// <summary>An Npgsql connection string for <paramref name="database"/>.</summary>
    public string ConnectionString(string database = "postgres") =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database}";

    public async Task<string> CreateDatabaseAsync(string name)
    {
        await using var connection = new NpgsqlConnection(ConnectionString() + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    /// <summary><c>pg_ctl stop -m immediate</c>: the server quits at once, without a checkpoint, as if it crashed.</summary>
    public Task StopImmediatelyAsync() => ToolAsync("pg_ctl", ["-D", DataDirectory, "-m", "immediate", "-w", "stop"]);

    /// <summary>Starts the cluster (again) on the same port and data; crash recovery runs first after an immediate stop.</summary>
    public Task StartAgainAsync() => ToolAsync("pg_ctl", ["-D", DataDirectory, "-w", "-t", "60", "-l", Path.Combine(_directory, "log"), "-o",
        $"-p {Port} -k {_directory} -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=on", "start"]);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await ToolAsync("pg_ctl", ["-D", DataDirectory, "-m", "immediate", "stop"]);
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }

        Scratch.TryDelete(_directory);
    }

    private void StopWhenThisProcessExits()
    {
        var stop = $"{Path.Combine(Bin, "pg_ctl")} -D '{DataDirectory}' -m immediate stop";
        var script = "exec >/dev/null 2>&1 </dev/null; " +
            $"while kill -0 {Environment.ProcessId}; do sleep 0.5; done; {(_asRoot ? "runuser -u postgres -- " : string.Empty)}{stop}; rm -rf '{_directory}'";
        using var watchdog = Process.Start(new ProcessStartInfo("setsid", ["-f", "sh", "-c", script]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("Could not start the PostgreSQL clean-up watchdog.");
    }

    private Task<string> ToolAsync(string tool, string[] arguments) =>
        _asRoot
            ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(Bin, tool), .. arguments])
            : RunAsync(Path.Combine(Bin, tool), arguments);

    private static async Task<string> RunAsync(string file, IEnumerable<string> arguments)
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
        var text = await output + await error;
        return process.ExitCode == 0
            ? text
            : throw new InvalidOperationException($"{file} {string.Join(' ', start.ArgumentList)} exited with {process.ExitCode}:\n{text}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
