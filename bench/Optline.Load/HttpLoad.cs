using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace Optline.Load;

/// <summary>One request of the generator, ready to send: the same bytes go to the bare endpoint and to Optline.</summary>
public sealed record LoadRequest(HttpMethod Method, string Path, byte[]? Body = null, string? ContentType = null, string? Signature = null, string? Bearer = null, string Kind = "");

/// <summary>What a run produced: successes, failures by status, and latencies of the measured window in microseconds.</summary>
public sealed record LoadResult(long Succeeded, long Failed, TimeSpan Measured, long[] LatenciesMicros, IReadOnlyDictionary<string, long> FailuresByStatus)
{
    public double PerSecond => Succeeded / Measured.TotalSeconds;

    public double Percentile(double p) => Percentiles.Of(LatenciesMicros, p) / 1000.0;
}

/// <summary>
/// The load generator, in the same process as the servers (the issue counts it: "load generator included").
/// Closed loop for saturation; open loop (constant arrival rate, latency from the intended send time) for latency.
/// </summary>
public static class HttpLoad
{
    public static HttpClient Client(Uri baseAddress, int connections) =>
        new(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
        })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };

    public static HttpRequestMessage Message(LoadRequest request)
    {
        var message = new HttpRequestMessage(request.Method, request.Path);
        if (request.Body is { } body)
        {
            message.Content = new ByteArrayContent(body);
            message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(request.ContentType ?? "application/x-www-form-urlencoded");
        }

        if (request.Signature is { } signature)
        {
            message.Headers.TryAddWithoutValidation("X-Twilio-Signature", signature);
        }

        if (request.Bearer is { } bearer)
        {
            message.Headers.TryAddWithoutValidation("Authorization", "Bearer " + bearer);
        }

        return message;
    }

    /// <summary>
    /// <paramref name="connections"/> workers, each sending its next request as soon as the last one is answered,
    /// for <paramref name="warmup"/> (not counted) and then <paramref name="measure"/>. Bounded in time and in count.
    /// </summary>
    public static async Task<LoadResult> ClosedLoopAsync(HttpClient client, Func<LoadRequest> next, int connections, TimeSpan warmup, TimeSpan measure,
        Func<LoadRequest, HttpStatusCode, bool>? accept = null, long maxRequests = 20_000_000)
    {
        accept ??= (_, status) => (int)status is >= 200 and < 300;
        var start = Stopwatch.GetTimestamp();
        var measureFrom = start + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
        var end = measureFrom + (long)(measure.TotalSeconds * Stopwatch.Frequency);
        long issued = 0;
        var perWorker = new List<long>[connections];
        var succeeded = new long[connections];
        var failed = new long[connections];
        var failures = new System.Collections.Concurrent.ConcurrentDictionary<string, long>();

        async Task WorkerAsync(int w)
        {
            var latencies = perWorker[w] = new List<long>(4096);
            while (Interlocked.Increment(ref issued) <= maxRequests)
            {
                var sent = Stopwatch.GetTimestamp();
                if (sent >= end)
                {
                    return;
                }

                var request = next();
                HttpStatusCode status;
                try
                {
                    using var message = Message(request);
                    using var response = await client.SendAsync(message, HttpCompletionOption.ResponseContentRead);
                    status = response.StatusCode;
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
                {
                    status = 0;
                }

                var done = Stopwatch.GetTimestamp();
                if (sent < measureFrom || done > end)
                {
                    continue;
                }

                if (accept(request, status))
                {
                    succeeded[w]++;
                    latencies.Add((done - sent) * 1_000_000 / Stopwatch.Frequency);
                }
                else
                {
                    failed[w]++;
                    failures.AddOrUpdate(((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture), 1, (_, n) => n + 1);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, connections).Select(w => Task.Run(() => WorkerAsync(w))));
        var measured = Stopwatch.GetElapsedTime(measureFrom, Math.Min(end, Stopwatch.GetTimestamp()));
        var all = perWorker.SelectMany(l => l).ToArray();
        return new LoadResult(succeeded.Sum(), failed.Sum(), measured, all, failures);
    }

    /// <summary>
    /// Open loop: request i is due at start + i / rate whether or not earlier ones were answered, and its latency runs
    /// from that intended time (so a stalled server is charged for the requests it delayed: no coordinated omission).
    /// At most <paramref name="maxInFlight"/> requests are outstanding; past that the generator waits, and the wait
    /// still counts in the latency of the requests that were due.
    /// </summary>
    public static async Task<LoadResult> OpenLoopAsync(HttpClient client, Func<LoadRequest> next, double rate, TimeSpan duration,
        Func<LoadRequest, HttpStatusCode, bool>? accept = null, int maxInFlight = 4096)
    {
        accept ??= (_, status) => (int)status is >= 200 and < 300;
        var total = (int)Math.Max(1, rate * duration.TotalSeconds);
        var latencies = new long[total];
        Array.Fill(latencies, -1);
        var failures = new System.Collections.Concurrent.ConcurrentDictionary<string, long>();
        using var slots = new SemaphoreSlim(maxInFlight, maxInFlight);
        var pending = new List<Task>(total);
        var start = Stopwatch.GetTimestamp();
        var hardStop = start + (long)((duration.TotalSeconds + 30) * Stopwatch.Frequency);
        var ticksPerRequest = Stopwatch.Frequency / rate;

        async Task SendAsync(int i, long intended, LoadRequest request)
        {
            HttpStatusCode status;
            try
            {
                using var message = Message(request);
                using var response = await client.SendAsync(message, HttpCompletionOption.ResponseContentRead);
                status = response.StatusCode;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
            {
                status = 0;
            }
            finally
            {
                slots.Release();
            }

            if (accept(request, status))
            {
                latencies[i] = Math.Max(0, (Stopwatch.GetTimestamp() - intended) * 1_000_000 / Stopwatch.Frequency);
            }
            else
            {
                failures.AddOrUpdate(((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture), 1, (_, n) => n + 1);
            }
        }

        // The schedule runs on a thread of its own that sleeps until each request's intended time with usleep, accurate to
        // a few tens of microseconds without spinning; Task.Delay(1) (and Thread.Sleep, in whole milliseconds) wakes 1-2 ms
        // late and would add that lateness to every latency measured. Each request is handed to the pool at once.
        var scheduler = new Thread(() =>
        {
            for (var issued = 0; issued < total; issued++)
            {
                var intended = start + (long)(issued * ticksPerRequest);
                for (var wait = intended - Stopwatch.GetTimestamp(); wait > 0; wait = intended - Stopwatch.GetTimestamp())
                {
                    Native.usleep((uint)Math.Max(1, wait * 1_000_000 / Stopwatch.Frequency));
                }

                if (!slots.Wait(TimeSpan.FromTicks(Math.Max(0, hardStop - Stopwatch.GetTimestamp()) * TimeSpan.TicksPerSecond / Stopwatch.Frequency)))
                {
                    break;
                }

                var (i, request) = (issued, next());
                lock (pending)
                {
                    pending.Add(Task.Run(() => SendAsync(i, intended, request)));
                }
            }
        }) { IsBackground = true, Name = "open-loop schedule" };
        scheduler.Start();
        await Task.Run(scheduler.Join);

        await Task.WhenAny(Task.WhenAll(pending), Task.Delay(TimeSpan.FromSeconds(30)));
        var ok = latencies.Where(l => l >= 0).ToArray();
        return new LoadResult(ok.Length, total - ok.Length, Stopwatch.GetElapsedTime(start), ok, failures);
    }
}

public static class Percentiles
{
    /// <summary>The p-th percentile (0..100) by nearest rank; sorts a copy.</summary>
    public static double Of(IReadOnlyCollection<long> values, double p)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }

    public static double Of(IReadOnlyCollection<double> values, double p)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }
}

internal static class Native
{
    [System.Runtime.InteropServices.DllImport("libc")]
    internal static extern int usleep(uint microseconds);
}
