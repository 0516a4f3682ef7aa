using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Optline.Server.Hosting;
using Optline.Storage.Database;

namespace Optline.Load;

public static class Net
{
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>Fixed credentials of the bench: an admin key, and a Twilio account whose auth token signs the webhooks.</summary>
public static class Bench
{
    public const string AdminKey = "olk_admin_load_0123456789abcdef0123456789";
    public const string OrganizationName = "Load Advisors";
    public const string TwilioAccountSid = "ACbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    public const string TwilioAuthToken = "cccccccccccccccccccccccccccccccc";
    public const int UnlimitedRate = 1_000_000;
    public const string EmptyTwiml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>";
}

/// <summary>
/// B0: a bare Kestrel endpoint in this process that does what the webhook does before any Optline logic — reads the
/// same form — and answers 200 with the same empty TwiML; and a GET that answers a small JSON like a consent lookup.
/// </summary>
public sealed class BareEndpoint : IAsyncDisposable
{
    private readonly WebApplication _app;

    private BareEndpoint(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<BareEndpoint> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder([OptlineApp.NoConfigurationWatch]);
        builder.Logging.ClearProviders();
        var port = Net.FreePort();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        MapFormPost(app);
        app.MapGet("/api/v1/consents", (HttpContext http) =>
            Results.Json(new { state = "opted_in", since = "2026-06-01T09:00:00Z", history = new[] { new { at = "2026-06-01T09:00:00Z", @event = "consent_opted_in", source = "contact", text = "YES" } } }));
        await app.StartAsync();
        return new BareEndpoint(app, new Uri($"http://127.0.0.1:{port}"));
    }

    /// <summary>B0's webhook: reads the signed form and answers the same empty TwiML as Optline, and does nothing else.</summary>
    public static void MapFormPost(IEndpointRouteBuilder app) =>
        app.MapPost(TwilioTraffic.Path, async (HttpContext http) =>
        {
            var form = await http.Request.ReadFormAsync(http.RequestAborted);
            return form.Count > 0 ? Results.Content(Bench.EmptyTwiml, "text/xml") : Results.BadRequest();
        });

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>A fake Twilio Messages API on loopback (Kestrel): counts the sends it accepts and answers 201 as Twilio does.</summary>
public sealed class FakeTwilio : IAsyncDisposable
{
    private readonly WebApplication _app;
    private long _count;

    private FakeTwilio(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public long Count => Interlocked.Read(ref _count);

    public static async Task<FakeTwilio> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder([OptlineApp.NoConfigurationWatch]);
        builder.Logging.ClearProviders();
        var port = Net.FreePort();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var fake = new FakeTwilio(app, new Uri($"http://127.0.0.1:{port}"));
        app.Run(fake.HandleAsync);
        await app.StartAsync();
        return fake;
    }

    private async Task HandleAsync(HttpContext http)
    {
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
        var form = QueryHelpers.ParseQuery(Encoding.UTF8.GetString(buffer.ToArray()));
        var sid = "SM" + Guid.NewGuid().ToString("N");
        Interlocked.Increment(ref _count);
        http.Response.StatusCode = 201;
        await http.Response.WriteAsJsonAsync(new Dictionary<string, object?>
        {
            ["sid"] = sid, ["account_sid"] = Bench.TwilioAccountSid, ["to"] = form["To"].ToString(), ["from"] = form["From"].ToString(), ["body"] = "",
            ["status"] = "queued", ["num_segments"] = "1", ["num_media"] = "0", ["direction"] = "outbound-api", ["api_version"] = "2010-04-01",
            ["date_created"] = "Mon, 01 Jun 2026 12:00:00 +0000", ["date_updated"] = "Mon, 01 Jun 2026 12:00:00 +0000", ["date_sent"] = null,
            ["price"] = null, ["price_unit"] = "USD", ["error_code"] = null, ["error_message"] = null, ["messaging_service_sid"] = null,
            ["uri"] = $"/2010-04-01/Accounts/{Bench.TwilioAccountSid}/Messages/{sid}.json", ["subresource_uris"] = new Dictionary<string, string>(),
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>The real Optline server, built and started in this process the way Program.cs does, on 127.0.0.1.</summary>
public sealed class OptlineHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private bool _disposed;

    private OptlineHost(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public IServiceProvider Services => _app.Services;

    public OptlineDatabase Database => _app.Services.GetRequiredService<OptlineDatabase>();

    /// <summary>The server's command line in the harness, in this process or as <c>dotnet Optline.Server.dll</c>.</summary>
    public static List<string> Arguments(Uri address, string provider, string connectionString, Uri? carrier, string smsProvider = "twilio")
    {
        List<string> args =
        [
            $"--urls={address.ToString().TrimEnd('/')}",
            "--environment=Production",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Microsoft.AspNetCore=Error",
            $"--Optline:Database:Provider={provider}",
            $"--Optline:Database:ConnectionString={connectionString}",
            $"--Optline:Bootstrap:AdminApiKey={Bench.AdminKey}",
            $"--Optline:Bootstrap:OrganizationName={Bench.OrganizationName}",
            $"--Optline:Sms:Provider={smsProvider}",
            $"--Optline:Twilio:AccountSid={Bench.TwilioAccountSid}",
            $"--Optline:Twilio:AuthToken={Bench.TwilioAuthToken}",
            $"--Optline:Twilio:PublicBaseUrl={address.ToString().TrimEnd('/')}",
            // The harness measures capacity with one admin key: the per-key API rate limit (100/s by default) is lifted.
            $"--Optline:RateLimit:PermitsPerSecond={Bench.UnlimitedRate}",
            $"--Optline:RateLimit:Burst={Bench.UnlimitedRate}",
        ];
        if (carrier is not null)
        {
            args.Add($"--Optline:Twilio:ApiBaseUrl={carrier.ToString().TrimEnd('/')}");
        }

        return args;
    }

    /// <summary>
    /// Builds the app and prepares its database; <paramref name="beforeStart"/> runs after migrations and the bootstrap
    /// organization exist and before Kestrel and the outbox dispatcher start (to seed a backlog, say).
    /// </summary>
    public static async Task<OptlineHost> StartAsync(string provider, string connectionString, Uri? carrier, string smsProvider = "twilio",
        IEnumerable<string>? extra = null, Func<OptlineHost, Task>? beforeStart = null)
    {
        var address = new Uri($"http://127.0.0.1:{Net.FreePort()}");
        var args = Arguments(address, provider, connectionString, carrier, smsProvider);
        args.AddRange(extra ?? []);
        var app = OptlineApp.Build([.. args]);
        await app.Services.PrepareDatabaseAsync();
        var host = new OptlineHost(app, address);
        if (beforeStart is not null)
        {
            await beforeStart(host);
        }

        await app.StartAsync();
        return host;
    }

    /// <summary>Stops the server; a second call does nothing (a phase may stop it early to start it again as its own process).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }
}

/// <summary>The time to make a small write durable in the data directory: write 512 bytes and fsync, n times.</summary>
public static class FsyncProbe
{
    public static (double MedianMs, double P99Ms, double MeanMs) Measure(string directory, int samples)
    {
        var path = Path.Combine(directory, "fsync-probe.bin");
        var block = new byte[512];
        var times = new List<double>(samples);
        using (var file = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None))
        {
            for (var i = 0; i < samples; i++)
            {
                times.Add(TimedSyncMs(file, block, i));
            }
        }

        File.Delete(path);
        return (Percentiles.Of(times, 50), Percentiles.Of(times, 99), times.Average());
    }

    /// <summary>
    /// The same for <paramref name="duration"/>, one sync every millisecond or so (a writer's pace at a moderate rate),
    /// while one thread per core spins: work that takes the cores and does no I/O. On a virtual machine the host's side
    /// of the disk may share cores with the guest's, so a sync can wait longer while the guest is busy.
    /// </summary>
    public static (double MedianMs, double P99Ms, double MeanMs, int Samples) MeasureWithCoresBusy(string directory, TimeSpan duration)
    {
        using var stop = new CancellationTokenSource();
        var spinners = Enumerable.Range(0, Environment.ProcessorCount).Select(_ => new Thread(() =>
        {
            var x = 0UL;
            while (!stop.IsCancellationRequested)
            {
                x = (x * 6364136223846793005UL) + 1;
            }

            GC.KeepAlive(x);
        }) { IsBackground = true }).ToList();
        spinners.ForEach(thread => thread.Start());
        var path = Path.Combine(directory, "fsync-probe.bin");
        var block = new byte[512];
        var times = new List<double>();
        try
        {
            using var file = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
            while (Stopwatch.GetTimestamp() < end)
            {
                times.Add(TimedSyncMs(file, block, times.Count));
                Thread.Sleep(1);
            }
        }
        finally
        {
            stop.Cancel();
            spinners.ForEach(thread => thread.Join());
            File.Delete(path);
        }

        return (Percentiles.Of(times, 50), Percentiles.Of(times, 99), times.Average(), times.Count);
    }

    private static double TimedSyncMs(FileStream file, byte[] block, int sample)
    {
        block[0] = (byte)sample;
        var start = Stopwatch.GetTimestamp();
        file.Position = 0;
        file.Write(block);
        file.Flush(flushToDisk: true);
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }
}

/// <summary>Load average and memory of this machine, printed with the figures (other work may share it).</summary>
public static class Machine
{
    /// <summary>The 1, 5 and 15 minute load averages, and the share of the last minute in which some task waited for a CPU (Linux PSI).</summary>
    public static string LoadAverage()
    {
        var load = File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
        var pressure = File.Exists("/proc/pressure/cpu")
            ? File.ReadLines("/proc/pressure/cpu").FirstOrDefault()?.Split(' ').FirstOrDefault(f => f.StartsWith("avg60=", StringComparison.Ordinal))?["avg60=".Length..]
            : null;
        return pressure is null ? load : $"{load} (CPU pressure {pressure} %)";
    }

    public static long RssBytes(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }

        return 0;
    }

    public static ConcurrentDictionary<string, string> Describe() => new()
    {
        ["cores"] = Environment.ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["os"] = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
        ["runtime"] = System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
    };
}
