using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Optline.Server.Hosting;
using Optline.Storage.Organizations;

namespace Optline.Server.Tests.Infrastructure;

/// <summary>
/// The real Optline app on Kestrel (loopback, a free port), configured through command-line arguments the way an
/// operator would, with its own SQLite file in a temporary folder and a <see cref="FakeCarrier"/> as Twilio and the
/// Graph API. One per test class; tests own their data by using their own numbers (or their own organization).
/// </summary>
public class OptlineTestServer : IAsyncLifetime
{
    public const string AdminKey = "olk_admin_test_0123456789abcdef0123456789";
    public const string OrganizationName = "Acme Advisors";
    public const string TwilioAccountSid = "ACbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    public const string TwilioAuthToken = "cccccccccccccccccccccccccccccccc";
    public const string WhatsAppAppSecret = "wa-app-secret-test";
    public const string WhatsAppVerifyToken = "wa-verify-test";
    public const string WhatsAppAccessToken = "wa-access-token-test";
    public const string WhatsAppPhoneNumberId = "109000000000001";

    private readonly bool _simulated;
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "optline-server-tests", Guid.NewGuid().ToString("N"));
    private WebApplication? _app;
    private HttpClient? _http;
    private int _lines;
    private int _contacts;

    public OptlineTestServer()
        : this(simulated: false)
    {
    }

    protected OptlineTestServer(bool simulated) => _simulated = simulated;

    public FakeCarrier Carrier { get; private set; } = null!;

    public Uri BaseAddress { get; private set; } = null!;

    public IServiceProvider Services => _app!.Services;

    public HttpClient Http => _http!;

    /// <summary>The bootstrap organization's admin.</summary>
    public OptlineClient Admin => new(Http, AdminKey);

    public OptlineClient Anonymous => new(Http, null);

    public CarrierWebhooks Carriers => new(Http, BaseAddress.ToString().TrimEnd('/'));

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        Carrier = await FakeCarrier.StartAsync();
        for (var attempt = 1; ; attempt++)
        {
            // The public URL Twilio signs must be known before start, so the port is chosen first.
            var port = FreePort();
            BaseAddress = new Uri($"http://127.0.0.1:{port}");
            var app = OptlineApp.Build([.. Arguments()]);
            await app.Services.PrepareDatabaseAsync();
            try
            {
                await app.StartAsync();
                _app = app;
                break;
            }
            catch (IOException) when (attempt < 3)
            {
                // Another process took the port between choosing and binding it.
                await app.DisposeAsync();
            }
        }

        _http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync()
    {
        _http?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        await Carrier.DisposeAsync();
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

    /// <summary>A line number of this server: +1 201-555-01xx.</summary>
    public string NewLineNumber() => Number("+1201555", Interlocked.Increment(ref _lines));

    /// <summary>A contact number of this server: +1 212-555-01xx.</summary>
    public string NewContactNumber() => Number("+1212555", Interlocked.Increment(ref _contacts));

    /// <summary>A line of the bootstrap organization, with its own key.</summary>
    public Task<TestLine> NewLineAsync(string displayName = "Alex Morgan") => NewLineAsync(Admin, displayName);

    public async Task<TestLine> NewLineAsync(OptlineClient admin, string displayName = "Alex Morgan")
    {
        var created = await admin.CreateLineAsync(NewLineNumber(), displayName);
        return new TestLine(created.Id, created.Number, created.DisplayName, new OptlineClient(Http, created.ApiKey));
    }

    /// <summary>A further organization (a tenant of its own), created the way the CLI does, with its admin client.</summary>
    public async Task<TestOrganization> NewOrganizationAsync(string name)
    {
        var key = ApiKeys.NewKey("admin");
        var id = await Services.GetRequiredService<OrganizationStore>().CreateOrganizationAsync(name, key);
        return new TestOrganization(id, name, new OptlineClient(Http, key));
    }

    private static string Number(string prefix, int n)
    {
        if (n > 99)
        {
            throw new InvalidOperationException("A test server hands out at most 99 numbers of each kind; split the test class.");
        }

        return prefix + "01" + n.ToString("00", System.Globalization.CultureInfo.InvariantCulture);
    }

    private IEnumerable<string> Arguments()
    {
        yield return $"--urls={BaseAddress.ToString().TrimEnd('/')}";
        yield return "--environment=Production";
        yield return "--Logging:LogLevel:Default=Warning";
        yield return $"--Optline:Database:ConnectionString=Data Source={Path.Combine(_directory, "optline.db")}";
        yield return $"--Optline:Bootstrap:AdminApiKey={AdminKey}";
        yield return $"--Optline:Bootstrap:OrganizationName={OrganizationName}";
        yield return "--Optline:Outbox:SmsMessagesPerSecond=1000";
        yield return "--Optline:Outbox:WhatsAppMessagesPerSecond=1000";
        yield return "--Optline:Outbox:FirstRetryDelay=00:00:00.100";
        if (_simulated)
        {
            yield break;
        }

        var carrier = Carrier.BaseUrl.ToString().TrimEnd('/');
        yield return "--Optline:Sms:Provider=twilio";
        yield return $"--Optline:Twilio:AccountSid={TwilioAccountSid}";
        yield return $"--Optline:Twilio:AuthToken={TwilioAuthToken}";
        yield return $"--Optline:Twilio:ApiBaseUrl={carrier}";
        yield return $"--Optline:Twilio:PublicBaseUrl={BaseAddress.ToString().TrimEnd('/')}";
        yield return "--Optline:WhatsApp:Provider=cloudapi";
        yield return $"--Optline:WhatsApp:AppSecret={WhatsAppAppSecret}";
        yield return $"--Optline:WhatsApp:VerifyToken={WhatsAppVerifyToken}";
        yield return $"--Optline:WhatsApp:AccessToken={WhatsAppAccessToken}";
        yield return $"--Optline:WhatsApp:PhoneNumberId={WhatsAppPhoneNumberId}";
        yield return $"--Optline:WhatsApp:ApiBaseUrl={carrier}/v21.0";
    }

    /// <summary>A loopback port free a moment ago (another process may still take it before the server binds it).</summary>
    internal static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}

/// <summary>The server with no carrier configured: both channels go through the built-in simulator (the default).</summary>
public sealed class SimulatorTestServer : OptlineTestServer
{
    public SimulatorTestServer()
        : base(simulated: true)
    {
    }
}

/// <summary>A line and a client acting with its own line key.</summary>
public sealed record TestLine(long Id, string Number, string DisplayName, OptlineClient Client);

public sealed record TestOrganization(long Id, string Name, OptlineClient Admin);
