using System.Diagnostics;

namespace Optline.Faults;

/// <summary>
/// The real server as a child process: <c>dotnet Optline.Server.dll</c> with <c>Optline__*</c> variables and
/// <c>ASPNETCORE_URLS</c> on 127.0.0.1, its output captured. Killed with SIGKILL, or stopped with SIGTERM.
/// </summary>
public sealed class OptlineProcess : IAsyncDisposable
{
    private static readonly string[] InheritedPrefixes = ["Optline__", "ASPNETCORE_", "DOTNET_ENVIRONMENT", "Logging__", "OPTLINE_"];

    private readonly Process _process;

    private OptlineProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Starts the server and waits (bounded) until <c>/health</c> answers 200.</summary>
    public static async Task<OptlineProcess> StartAsync(
        Uri baseAddress, IReadOnlyDictionary<string, string> environment, ServerLog log, string workingDirectory, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(ServerBuild.DotnetHost)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        start.ArgumentList.Add(ServerBuild.Dll);

        // Nothing Optline or ASP.NET Core of the test process leaks into the child: it gets exactly what an operator sets.
        foreach (var name in start.Environment.Keys.Where(k => InheritedPrefixes.Any(p => k.StartsWith(p, StringComparison.OrdinalIgnoreCase))).ToList())
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        start.Environment["ASPNETCORE_URLS"] = baseAddress.ToString().TrimEnd('/');
        start.Environment["DOTNET_NOLOGO"] = "1";

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the server.");
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                log.Append(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                log.Append(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new OptlineProcess(process);

        using var probe = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The server exited with {process.ExitCode} while starting:\n{log.Tail()}");
            }

            try
            {
                using var health = await probe.GetAsync(new Uri("/health", UriKind.Relative));
                if (health.IsSuccessStatusCode)
                {
                    return server;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            if (clock.Elapsed > timeout)
            {
                server.Kill();
                throw new TimeoutException($"The server did not answer /health within {timeout.TotalSeconds:0} s:\n{log.Tail()}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>SIGKILL: no shutdown, no flush, no goodbye — what a power cut or the OOM killer does to the process.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        _process.WaitForExit();
    }

    /// <summary>SIGTERM and a bounded wait for a graceful stop; SIGKILL if it does not come.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_process.HasExited)
        {
            return;
        }

        using (var term = Process.Start(new ProcessStartInfo("kill", ["-s", "TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            UseShellExecute = false,
        }))
        {
            if (term is not null)
            {
                await term.WaitForExitAsync();
            }
        }

        using var wait = new CancellationTokenSource(grace);
        try
        {
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
        }

        _process.WaitForExit();
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}
