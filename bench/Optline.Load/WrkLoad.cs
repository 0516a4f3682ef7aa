using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Optline.Load;

/// <summary>
/// wrk (Debian's package), a generator written in C with one event loop per thread, as a second opinion on the
/// saturation figures: a load test from outside is likely to use it or its kind, and it takes a fraction of the CPU
/// per request that this harness's generator takes, which on two cores leaves more to the servers measured. Its
/// requests are this harness's signed forms, written to a file beforehand (one a line, each thread taking every
/// n-th), so wrk only sends bytes and counts what it is answered.
/// </summary>
public static partial class WrkLoad
{
    public static string? Executable { get; } =
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, "wrk")).FirstOrDefault(File.Exists);

    public const int Threads = 2;

    /// <summary>Writes <paramref name="requests"/> as wrk's input: one request a line, its CRLFs as tabs (no form or header here has either).</summary>
    public static string WriteRequests(string folder, string name, Uri address, IEnumerable<LoadRequest> requests)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name + ".requests");
        using var file = new StreamWriter(path, append: false, new UTF8Encoding(false));
        foreach (var request in requests)
        {
            var head = new StringBuilder().Append(request.Method.Method).Append(' ').Append(request.Path).Append(" HTTP/1.1\tHost: ").Append(address.Authority).Append('\t');
            if (request.Body is { } body)
            {
                head.Append("Content-Type: ").Append(request.ContentType ?? "application/x-www-form-urlencoded").Append("\tContent-Length: ").Append(body.Length).Append('\t');
            }

            if (request.Signature is { } signature)
            {
                head.Append("X-Twilio-Signature: ").Append(signature).Append('\t');
            }

            if (request.Bearer is { } bearer)
            {
                head.Append("Authorization: Bearer ").Append(bearer).Append('\t');
            }

            var text = head.Append('\t').Append(request.Body is null ? "" : Encoding.ASCII.GetString(request.Body)).ToString();
            if (text.AsSpan(text.IndexOf("\t\t", StringComparison.Ordinal) + 2).IndexOfAny('\t', '\n') >= 0)
            {
                throw new InvalidOperationException("A request body with a tab or a line break cannot be written one a line.");
            }

            file.Write(text);
            file.Write('\n');
        }

        return path;
    }

    /// <summary>wrk for <paramref name="duration"/> over <paramref name="connections"/> connections, sending the requests of one file.</summary>
    public static async Task<WrkResult> RunAsync(Uri address, string requestsPath, int connections, TimeSpan duration)
    {
        var script = Path.ChangeExtension(requestsPath, ".lua");
        await File.WriteAllTextAsync(script, Script);
        var start = new ProcessStartInfo(Executable ?? throw new InvalidOperationException("wrk is not on the PATH."))
        {
            UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (var argument in new[]
        {
            "-t", Threads.ToString(CultureInfo.InvariantCulture), "-c", connections.ToString(CultureInfo.InvariantCulture),
            "-d", $"{Math.Max(1, (int)Math.Round(duration.TotalSeconds))}s", "--latency", "--timeout", "10s", "-s", script,
            address.ToString().TrimEnd('/') + "/", "--", requestsPath, Threads.ToString(CultureInfo.InvariantCulture),
        })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start wrk.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        // wrk's CPU, read from /proc while it runs (gone once it is reaped): the last reading is within 200 ms of its end.
        var cpuMs = 0.0;
        while (!process.HasExited)
        {
            try
            {
                cpuMs = ProcessStats.CpuMs(process.Id);
            }
            catch (IOException)
            {
            }

            await Task.WhenAny(process.WaitForExitAsync(), Task.Delay(200));
        }

        var text = await output;
        if (process.ExitCode != 0 || !RequestsPerSecond().IsMatch(text))
        {
            throw new InvalidOperationException($"wrk failed ({process.ExitCode}): {await error}{text}");
        }

        return new WrkResult(
            double.Parse(RequestsPerSecond().Match(text).Groups[1].Value, CultureInfo.InvariantCulture),
            long.Parse(Total().Match(text).Groups[1].Value, CultureInfo.InvariantCulture),
            NonSuccess().Match(text) is { Success: true } m ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0,
            Errors().Match(text) is { Success: true } e ? e.Value : "",
            Latency(text, "50"), Latency(text, "99"), cpuMs);
    }

    private static double Latency(string output, string percentile)
    {
        var match = Regex.Match(output, $@"^\s+{percentile}%\s+([\d.]+)(us|ms|s)\s*$", RegexOptions.Multiline);
        if (!match.Success)
        {
            return double.NaN;
        }

        var value = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return match.Groups[2].Value switch { "us" => value / 1000, "s" => value * 1000, _ => value };
    }

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"(\d+) requests in")]
    private static partial Regex Total();

    [GeneratedRegex(@"Non-2xx or 3xx responses: (\d+)")]
    private static partial Regex NonSuccess();

    [GeneratedRegex(@"Socket errors:[^\n]*")]
    private static partial Regex Errors();

    /// <summary>
    /// Each thread reads the file once and keeps every n-th line (n threads); <c>request()</c> hands wrk the next one
    /// as it is, and starts the thread's share over when it has sent it all.
    /// </summary>
    private const string Script = """
        local counter = 0
        function setup(thread)
          thread:set("id", counter)
          counter = counter + 1
        end

        function init(args)
          local path, threads = args[1], tonumber(args[2])
          requests = {}
          local n = 0
          for line in io.lines(path) do
            if n % threads == id then
              table.insert(requests, (line:gsub("\t", "\r\n")))
            end
            n = n + 1
          end
          index = 0
        end

        function request()
          index = index + 1
          if index > #requests then index = 1 end
          return requests[index]
        end
        """;
}

/// <summary>wrk's figures, and its own CPU time.</summary>
public sealed record WrkResult(double PerSecond, long Requests, long NonSuccess, string SocketErrors, double P50Ms, double P99Ms, double CpuMs);
