using Microsoft.AspNetCore.Http.Features;
using Optline.Storage.Database;

namespace Optline.Server.Web.Live;

/// <summary>
/// A server-sent event stream that polls a fingerprint about once a second and sends a <c>change</c> event when it
/// differs from the last one the client saw. Polling the database (not an in-process signal) works with several nodes.
/// A stream ends after a few minutes, or when the server stops; the browser's EventSource reconnects by itself.
/// </summary>
public static class ChangeFeed
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxLifetime = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    public static async Task StreamAsync(HttpContext http, string? since, Func<CancellationToken, Task<string>> fingerprint)
    {
        var time = http.RequestServices.GetRequiredService<TimeProvider>();
        var lifetime = http.RequestServices.GetRequiredService<IHostApplicationLifetime>();
        using var expiry = new CancellationTokenSource(MaxLifetime, time);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping, expiry.Token);
        var ct = stop.Token;

        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache, no-transform";
        http.Response.Headers["X-Accel-Buffering"] = "no";

        try
        {
            await http.Response.WriteAsync("retry: 2000\n\n", ct);
            await http.Response.Body.FlushAsync(ct);
            var last = since;
            var quietSince = time.GetTimestamp();
            using var timer = new PeriodicTimer(Interval, time);
            do
            {
                var current = await fingerprint(ct);
                if (current != last)
                {
                    await http.Response.WriteAsync($"event: change\ndata: {current}\n\n", ct);
                    await http.Response.Body.FlushAsync(ct);
                    last = current;
                    quietSince = time.GetTimestamp();
                }
                else if (time.GetElapsedTime(quietSince) >= KeepAlive)
                {
                    await http.Response.WriteAsync(": keep-alive\n\n", ct);
                    await http.Response.Body.FlushAsync(ct);
                    quietSince = time.GetTimestamp();
                }
            }
            while (await timer.WaitForNextTickAsync(ct));
        }
        catch (OperationCanceledException)
        {
            // The browser left, the server is stopping, or the stream reached its lifetime: the client reconnects.
        }
        catch (IOException)
        {
            // The connection broke while writing: nobody is listening any more.
        }
        catch (StorageUnavailableException)
        {
            // The database is away: end the stream; the client reconnects and the next stream catches up.
        }
    }
}
