using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Optline.Core.Consent;
using Optline.Server.Hosting;
using Optline.Server.Webhooks;
using Optline.Storage.Conversations;
using Optline.Storage.Organizations;

namespace Optline.Web.Tests.Infrastructure;

/// <summary>
/// The real Optline server on Kestrel at a free loopback port, with its own SQLite file and the simulator for both
/// channels, started in-process the way an operator starts it (command-line configuration).
/// </summary>
public sealed class WebServer : IAsyncDisposable
{
    public const string AdminKey = "olk_admin_webtest_0123456789abcdef01234567";
    public const string OrganizationName = "Acme Advisors";

    private readonly string _directory;
    private readonly WebApplication _app;
    private int _numbers;

    private WebServer(string directory, WebApplication app, Uri baseAddress)
    {
        _directory = directory;
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public string Url => BaseAddress.ToString().TrimEnd('/');

    public IServiceProvider Services => _app.Services;

    /// <summary>Starts a server; <paramref name="settings"/> are extra command-line settings (e.g. real carriers instead of the simulator).</summary>
    public static async Task<WebServer> StartAsync(params string[] settings)
    {
        var directory = Path.Combine(Path.GetTempPath(), "optline-web-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        for (var attempt = 1; ; attempt++)
        {
            var baseAddress = new Uri($"http://127.0.0.1:{FreePort()}");
            var app = OptlineApp.Build(
            [
                $"--urls={baseAddress.ToString().TrimEnd('/')}",
                "--environment=Production",
                "--Logging:LogLevel:Default=Warning",
                $"--Optline:Database:ConnectionString=Data Source={Path.Combine(directory, "optline.db")}",
                $"--Optline:Bootstrap:AdminApiKey={AdminKey}",
                $"--Optline:Bootstrap:OrganizationName={OrganizationName}",
                "--Optline:Outbox:SmsMessagesPerSecond=1000",
                "--Optline:Outbox:WhatsAppMessagesPerSecond=1000",
                .. settings,
            ]);
            await app.Services.PrepareDatabaseAsync();
            try
            {
                await app.StartAsync();
                return new WebServer(directory, app, baseAddress);
            }
            catch (IOException) when (attempt < 3)
            {
                // Another process took the port between choosing and binding it.
                await app.DisposeAsync();
            }
        }
    }

    /// <summary>A fresh line number: +1 201-555-02xx (each test uses its own numbers, so tests share one server).</summary>
    public string NewLineNumber() => Number("+1201555", Interlocked.Increment(ref _numbers));

    /// <summary>A fresh contact number: +1 212-555-02xx.</summary>
    public string NewContactNumber() => Number("+1212555", Interlocked.Increment(ref _numbers));

    /// <summary>A line of the bootstrap organization (or <paramref name="organizationId"/>), with its key.</summary>
    public async Task<(Line Line, string Key)> NewLineAsync(string displayName, long organizationId = 1)
    {
        var created = await Services.GetRequiredService<OrganizationStore>().CreateLineAsync(organizationId, NewLineNumber(), displayName)
            ?? throw new InvalidOperationException("The line number was taken.");
        return created;
    }

    /// <summary>Another tenant with its own admin key.</summary>
    public async Task<(long Id, string AdminKey)> NewOrganizationAsync(string name)
    {
        var key = ApiKeys.NewKey("admin");
        var id = await Services.GetRequiredService<OrganizationStore>().CreateOrganizationAsync(name, key);
        return (id, key);
    }

    /// <summary>The contact writes, through the same intake as the carriers' webhooks (for setting a scene quickly).</summary>
    public async Task ContactWritesAsync(Line line, string contact, string body, Channel channel = Channel.Sms)
    {
        var (_, refused) = await Services.GetRequiredService<InboundIntake>().AcceptAsync(
            new CarrierMessage("simulator", "web-test-" + Guid.NewGuid().ToString("N"), channel, line.Number, contact, body, Signature: "simulator"), CancellationToken.None);
        Assert.Null(refused);
    }

    /// <summary>Waits until the simulated carrier has sent <paramref name="count"/> messages to the contact (the outbox is asynchronous).</summary>
    public async Task WaitForSentAsync(string contact, int count, Channel channel = Channel.Sms)
    {
        var queries = Services.GetRequiredService<ConversationQueries>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while ((await queries.SimulatedOutboundAsync(contact, [channel], 0, 1000, timeout.Token)).Count < count)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(25), timeout.Token);
        }
    }

    /// <summary>The line writes, as its send box does.</summary>
    public Task<EventOutcome> LineWritesAsync(Line line, string contact, string body, Channel channel = Channel.Sms) =>
        Services.GetRequiredService<ConversationService>().LineSendAsync(line, contact, channel, body, "line");

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still open is left to the OS's temp cleaning.
        }
    }

    private static string Number(string prefix, int n) =>
        n <= 99 ? prefix + "02" + n.ToString("00", System.Globalization.CultureInfo.InvariantCulture)
            : throw new InvalidOperationException("The web test server hands out at most 99 numbers.");

    private static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
