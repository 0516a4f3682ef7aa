using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Optline.Channels.Tests.Support;

/// <summary>A carrier API on a free loopback port: records every request and answers as the test says.</summary>
internal sealed class FakeCarrier : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeCarrier(WebApplication app) => _app = app;

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public Uri BaseUrl { get; private set; } = null!;

    public RecordedRequest SingleRequest => Assert.Single(Requests);

    public static async Task<FakeCarrier> StartAsync(Func<HttpContext, Task> answer)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var carrier = new FakeCarrier(app);
        app.Run(async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            carrier.Requests.Enqueue(new RecordedRequest(
                context.Request.Method,
                context.Request.Path.Value ?? "",
                context.Request.Headers.Authorization.ToString(),
                context.Request.ContentType,
                body.ToArray()));
            await answer(context);
        });
        await app.StartAsync();
        carrier.BaseUrl = new Uri(app.Urls.Single());
        return carrier;
    }

    public static Func<HttpContext, Task> Json(int status, string json, params (string Name, string Value)[] headers) =>
        async context =>
        {
            context.Response.StatusCode = status;
            foreach (var (name, value) in headers)
                context.Response.Headers[name] = value;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(json, context.RequestAborted);
        };

    /// <summary>Never answers in time; gives up when the client hangs up.</summary>
    public static Func<HttpContext, Task> Stall => context => Task.Delay(Timeout.Infinite, context.RequestAborted);

    /// <summary>Drops the connection under the first <paramref name="drops"/> requests, then answers as <paramref name="then"/> does.</summary>
    public static Func<HttpContext, Task> DropFirst(int drops, Func<HttpContext, Task> then)
    {
        var seen = 0;
        return context =>
        {
            if (Interlocked.Increment(ref seen) > drops)
            {
                return then(context);
            }

            context.Abort();
            return Task.CompletedTask;
        };
    }

    /// <summary>A loopback URL nobody listens on.</summary>
    public static Uri Unreachable()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}");
    }

    public async ValueTask DisposeAsync()
    {
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(stopping.Token);
        await _app.DisposeAsync();
    }
}

internal sealed record RecordedRequest(string Method, string Path, string Authorization, string? ContentType, byte[] Body)
{
    public string BodyText => Encoding.UTF8.GetString(Body);

    public Dictionary<string, string> Form() =>
        BodyText.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(
                pair => WebUtility.UrlDecode(pair[0]),
                pair => WebUtility.UrlDecode(pair.Length > 1 ? pair[1] : ""));
}
