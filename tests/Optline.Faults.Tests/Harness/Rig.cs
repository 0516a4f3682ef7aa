using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;

namespace Optline.Faults;

/// <summary>How to set up one Optline under test.</summary>
public sealed class RigOptions
{
    public required string Name { get; init; }

    /// <summary>Null: SQLite in the run's folder. Else a database of its own in this cluster.</summary>
    public PostgresCluster? Postgres { get; init; }

    public int Lines { get; init; } = 3;

    /// <summary><c>Optline__*</c> values over the rig's defaults (key: <c>Outbox__ClaimTimeout</c>, without the prefix).</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>Keep the run's folder (database, server log) after the rig is disposed; also with <c>OPTLINE_FAULTS_KEEP=1</c>.</summary>
    public bool KeepData { get; init; }
}

/// <summary>A line of the rig, with its own API key.</summary>
public sealed record RigLine(long Id, string Number, string DisplayName, string ApiKey);

/// <summary>
/// One Optline under test: the real server as a child process (restartable after a SIGKILL, on the same port and data),
/// a fake Twilio on loopback, the database, and a <see cref="Ledger"/> of everything sent to it and every fault injected.
/// </summary>
public sealed class Rig : IAsyncDisposable
{
    public const string OrganizationName = "Faults Advisors";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly RigOptions _options;
    private readonly Dictionary<string, string> _environment;
    private readonly HttpClient _webhooks;
    private readonly HttpClient _api;
    private OptlineProcess? _process;
    private bool _keep;

    private Rig(RigOptions options, string directory, FakeCarrier carrier, DatabaseTarget database, Uri baseAddress, Secrets secrets)
    {
        _options = options;
        Directory = directory;
        Carrier = carrier;
        Database = database;
        BaseAddress = baseAddress;
        Secrets = secrets;
        Log = new ServerLog(Path.Combine(directory, "server.log"));
        _environment = Environment(options, directory, carrier, database, baseAddress, secrets);
        // Webhooks may be repeated safely (the provider id deduplicates), so their connections are pooled.
        _webhooks = new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(2), PooledConnectionLifetime = TimeSpan.FromSeconds(5) })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
        // An API send is not idempotent: a fresh connection each time, so no HTTP layer ever replays one on its own.
        _api = new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(2), PooledConnectionLifetime = TimeSpan.Zero })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    public string Directory { get; }

    public FakeCarrier Carrier { get; }

    public DatabaseTarget Database { get; }

    public Uri BaseAddress { get; }

    public Secrets Secrets { get; }

    public ServerLog Log { get; }

    public Ledger Ledger { get; } = new();

    public IReadOnlyList<RigLine> Lines { get; private set; } = [];

    public ContactPool Contacts { get; } = new();

    public int Restarts { get; private set; }

    /// <summary>The server's process id, for a test that kills it from outside.</summary>
    public OptlineProcess Process => _process ?? throw new InvalidOperationException("The server is not running.");

    public HttpClient Http => _webhooks;

    public static async Task<Rig> StartAsync(RigOptions options)
    {
        var directory = Scratch.NewDirectory($"optline-faults-{options.Name}-");
        var secrets = Secrets.New();
        var carrier = await FakeCarrier.StartAsync(secrets.TwilioAccountSid, secrets.TwilioAuthToken, secrets.WhatsAppAccessToken);
        var database = options.Postgres is { } cluster
            ? new DatabaseTarget("postgres", await cluster.CreateDatabaseAsync("optline_" + Guid.NewGuid().ToString("N")[..12]))
            : new DatabaseTarget("sqlite", $"Data Source={Path.Combine(directory, "optline.db")}");
        var rig = new Rig(options, directory, carrier, database, new Uri($"http://127.0.0.1:{FreePort()}"), secrets);
        await rig.StartServerAsync();
        var lines = new List<RigLine>();
        for (var i = 1; i <= options.Lines; i++)
        {
            lines.Add(await rig.CreateLineAsync($"+1201555{i + 100:0000}", $"Line {i.ToString(CultureInfo.InvariantCulture)}"));
        }

        rig.Lines = lines;
        return rig;
    }

    /// <summary>Keeps the run's folder after disposal (a run whose invariants failed).</summary>
    public void Keep() => _keep = true;

    /// <summary>
    /// SIGKILL the server now, and note when it was gone. Noted before the signal, a request the dying process had
    /// already written reached the carrier after the noted moment, and its lost "sent" looked unexplained by the crash.
    /// </summary>
    public void Kill()
    {
        _process?.Kill();
        Ledger.Killed(Clock.Now);
    }

    /// <summary>Starts the server again on the same port and data, as a supervisor would after a crash.</summary>
    public async Task RestartAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
            _process = null;
        }

        await StartServerAsync();
        Restarts++;
        Ledger.Restarted(Clock.Now);
    }

    public async Task StopAsync()
    {
        if (_process is not null)
        {
            await _process.StopAsync(TimeSpan.FromSeconds(20));
            await _process.DisposeAsync();
            _process = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await Carrier.DisposeAsync();
        await File.WriteAllLinesAsync(Path.Combine(Directory, "carrier.tsv"), Carrier.Requests.Select(r => string.Join('\t',
            r.Seq, r.Arrived.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture), r.Answered.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture),
            r.Mode, r.Status, r.To, r.Body, r.ProviderId)));
        _webhooks.Dispose();
        _api.Dispose();
        if (!_keep && !_options.KeepData && string.IsNullOrEmpty(System.Environment.GetEnvironmentVariable("OPTLINE_FAULTS_KEEP")))
        {
            Scratch.TryDelete(Directory);
        }
    }

    /// <summary>The form of an inbound SMS as Twilio posts it.</summary>
    public Dictionary<string, string> TwilioForm(string sid, string from, string to, string body) => new(StringComparer.Ordinal)
    {
        ["MessageSid"] = sid, ["SmsMessageSid"] = sid, ["SmsSid"] = sid, ["AccountSid"] = Secrets.TwilioAccountSid,
        ["From"] = from, ["To"] = to, ["Body"] = body, ["NumMedia"] = "0", ["NumSegments"] = "1",
        ["SmsStatus"] = "received", ["ApiVersion"] = "2010-04-01", ["FromCountry"] = "US", ["ToCountry"] = "US",
    };

    /// <summary>One signed POST of a form to a Twilio webhook path; 0 when no answer came (the server is down or died).</summary>
    public async Task<int> PostTwilioAsync(string path, IReadOnlyDictionary<string, string> form, string? signature = "valid")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = new FormUrlEncodedContent(form) };
        if (signature is not null)
        {
            request.Headers.Add("X-Twilio-Signature", signature == "valid" ? Signing.Twilio(Secrets.TwilioAuthToken, BaseAddress.ToString().TrimEnd('/') + path, form) : signature);
        }

        try
        {
            using var response = await _webhooks.SendAsync(request);
            return (int)response.StatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            return 0;
        }
    }

    /// <summary>
    /// Delivers an inbound SMS as Twilio would: again after no answer or a 5xx, with a growing pause, until a 2xx
    /// (or a 4xx, which Twilio does not retry) or the deadline. Every attempt goes in the ledger.
    /// </summary>
    public async Task<bool> DeliverAsync(InboundRecord message, TimeSpan deadline)
    {
        var form = TwilioForm(message.Sid, message.Contact, message.Line, message.Body);
        var until = Clock.Now + deadline;
        var pause = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            var sent = Clock.Now;
            var status = await PostTwilioAsync("/webhooks/twilio", form);
            var answered = Clock.Now;
            message.Record(sent, answered, status);
            Ledger.WebhookAnswered(answered, "twilio inbound", status);
            if (status is >= 200 and < 500)
            {
                return status < 300;
            }

            if (Clock.Now > until)
            {
                return false;
            }

            await Task.Delay(pause);
            pause = TimeSpan.FromMilliseconds(Math.Min(pause.TotalMilliseconds * 2, 1000));
        }
    }

    /// <summary>
    /// A line's <c>POST /api/v1/messages</c>. Without <paramref name="idempotencyKey"/> it is sent again only when
    /// nothing can have been stored (the connection was refused, or a 503 said so); an answer lost mid-request is
    /// recorded as unknown, as a client would have to. With a key it is sent again, with the same key, until it is
    /// answered, however it failed: the key makes that safe, and the record keeps the first attempt's time (the
    /// message may have been stored from then on).
    /// </summary>
    public async Task<ApiSendRecord> LineSendAsync(RigLine line, string contact, string body, TimeSpan deadline, string? idempotencyKey = null)
    {
        var until = Clock.Now + deadline;
        var firstSent = Clock.Now;
        while (true)
        {
            var sent = idempotencyKey is null ? Clock.Now : firstSent;
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/v1/messages", UriKind.Relative))
            {
                Content = JsonContent.Create(new { from = line.Number, to = contact, body, channel = "sms" }),
            };
            request.Headers.Authorization = new("Bearer", line.ApiKey);
            if (idempotencyKey is not null)
            {
                request.Headers.Add("Idempotency-Key", idempotencyKey);
            }

            try
            {
                using var response = await _api.SendAsync(request);
                var answered = Clock.Now;
                Guid? id = null;
                string? outcome = null;
                if (response.IsSuccessStatusCode)
                {
                    using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                    id = json.RootElement.GetProperty("id").GetGuid();
                    outcome = json.RootElement.GetProperty("status").GetString();
                }

                var record = new ApiSendRecord(line.Number, contact, body, sent, answered, (int)response.StatusCode, id, outcome,
                    Replayed: response.Headers.Contains("Idempotent-Replayed"));
                Ledger.Add(record);
                if ((int)response.StatusCode == 503 && Clock.Now < until && (idempotencyKey is not null || !await MayBeStoredAsync(response)))
                {
                    // The database is down: a client tries again later.
                    await Task.Delay(200);
                    continue;
                }

                return record;
            }
            catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.ConnectionError && Clock.Now < until)
            {
                await Task.Delay(100);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
            {
                var record = new ApiSendRecord(line.Number, contact, body, sent, Clock.Now, 0, null, null);
                Ledger.Add(record);
                if (idempotencyKey is null || Clock.Now >= until)
                {
                    return record;
                }

                await Task.Delay(100);
            }
        }
    }

    /// <summary>A 503 that says the request may have been stored (its commit was cut off and its fate is unknown): not to be sent again.</summary>
    private static async Task<bool> MayBeStoredAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        return body.Contains("commit-outcome-unknown", StringComparison.Ordinal);
    }

    /// <summary>An admin request with the bootstrap key; the caller owns the response.</summary>
    public async Task<HttpResponseMessage> AdminAsync(HttpMethod method, string path, object? body = null, string? key = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        request.Headers.Authorization = new("Bearer", key ?? Secrets.AdminKey);
        return await _webhooks.SendAsync(request);
    }

    public async Task<RigLine> CreateLineAsync(string number, string displayName, string? adminKey = null)
    {
        using var response = await AdminAsync(HttpMethod.Post, "/api/v1/lines", new { number, displayName }, adminKey);
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"POST /api/v1/lines answered {(int)response.StatusCode}: {text}");
        }

        using var json = JsonDocument.Parse(text);
        var root = json.RootElement;
        return new RigLine(root.GetProperty("id").GetInt64(), root.GetProperty("number").GetString()!, displayName, root.GetProperty("apiKey").GetString()!);
    }

    /// <summary>Waits (bounded) until the outbox holds nothing left to send: whatever will reach the carrier has reached it.</summary>
    public async Task WaitForOutboxDrainAsync(TimeSpan timeout)
    {
        var until = Clock.Now + timeout;
        while (true)
        {
            long pending;
            try
            {
                pending = StoreSnapshot.PendingSends(Database);
            }
            catch (Exception ex) when (ex is System.Data.Common.DbException)
            {
                pending = -1;
            }

            if (pending == 0)
            {
                return;
            }

            if (Clock.Now > until)
            {
                throw new TimeoutException($"The outbox still had {pending} message(s) to send after {timeout.TotalSeconds:0} s.");
            }

            await Task.Delay(100);
        }
    }

    /// <summary><c>GET /api/v1/audit/verify</c>: the attestation chain as the server checks it.</summary>
    public async Task<(bool Ok, long Records, string Raw)> VerifyChainAsync()
    {
        using var response = await AdminAsync(HttpMethod.Get, "/api/v1/audit/verify");
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            return (false, 0, $"{(int)response.StatusCode}: {text}");
        }

        using var json = JsonDocument.Parse(text);
        return (json.RootElement.GetProperty("ok").GetBoolean(), json.RootElement.GetProperty("records").GetInt64(), text);
    }

    public StoreSnapshot Snapshot() => StoreSnapshot.Read(Database);

    /// <summary>Runs a verb of the server's command line (<c>create-organization</c>, <c>issue-key</c>, …) on the rig's database; returns its output.</summary>
    public async Task<string> RunCliAsync(params string[] arguments)
    {
        var start = new System.Diagnostics.ProcessStartInfo(ServerBuild.DotnetHost)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Directory,
        };
        start.ArgumentList.Add(ServerBuild.Dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in _environment)
        {
            start.Environment[name] = value;
        }

        using var process = System.Diagnostics.Process.Start(start) ?? throw new InvalidOperationException("Could not start the command line.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        var text = await output;
        return process.ExitCode == 0 ? text : throw new InvalidOperationException($"{string.Join(' ', arguments)} exited with {process.ExitCode}: {text}{await error}");
    }

    private async Task StartServerAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                _process = await OptlineProcess.StartAsync(BaseAddress, _environment, Log, Directory, StartTimeout);
                return;
            }
            catch (InvalidOperationException) when (attempt < 3 && Log.Tail(2000).Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                // The port is still held by the killed process's last moments; try again.
                await Task.Delay(500);
            }
        }
    }

    private static Dictionary<string, string> Environment(RigOptions options, string directory, FakeCarrier carrier, DatabaseTarget database, Uri baseAddress, Secrets secrets)
    {
        var carrierUrl = carrier.BaseUrl.ToString().TrimEnd('/');
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Optline__Database__Provider"] = database.Provider,
            ["Optline__Database__ConnectionString"] = database.ConnectionString,
            ["Optline__Bootstrap__AdminApiKey"] = secrets.AdminKey,
            ["Optline__Bootstrap__OrganizationName"] = OrganizationName,
            ["Optline__Sms__Provider"] = "twilio",
            ["Optline__Twilio__AccountSid"] = secrets.TwilioAccountSid,
            ["Optline__Twilio__AuthToken"] = secrets.TwilioAuthToken,
            ["Optline__Twilio__ApiBaseUrl"] = carrierUrl,
            ["Optline__Twilio__PublicBaseUrl"] = baseAddress.ToString().TrimEnd('/'),
            ["Optline__WhatsApp__Provider"] = "cloudapi",
            ["Optline__WhatsApp__AppSecret"] = secrets.WhatsAppAppSecret,
            ["Optline__WhatsApp__VerifyToken"] = secrets.WhatsAppVerifyToken,
            ["Optline__WhatsApp__AccessToken"] = secrets.WhatsAppAccessToken,
            ["Optline__WhatsApp__PhoneNumberId"] = "109000000000001",
            ["Optline__WhatsApp__ApiBaseUrl"] = carrierUrl + "/v21.0",
            ["Optline__Web__DataProtectionKeysDirectory"] = Path.Combine(directory, "keys"),
            // Fast enough that a run's backlog drains in seconds; the pacing itself is not under test here.
            ["Optline__Outbox__SmsMessagesPerSecond"] = "200",
            ["Optline__Outbox__WhatsAppMessagesPerSecond"] = "200",
            ["Optline__Outbox__FirstRetryDelay"] = "00:00:00.200",
            // A crashed node's claims are taken over after this; the default (60 s) would only make the runs wait.
            ["Optline__Outbox__ClaimTimeout"] = "00:00:05",
            // The traffic is a few busy keys; the rate limit has tests of its own.
            ["Optline__RateLimit__PermitsPerSecond"] = "100000",
            ["Optline__RateLimit__Burst"] = "100000",
        };
        foreach (var (name, value) in options.Settings)
        {
            environment["Optline__" + name] = value;
        }

        return environment;
    }

    private static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}

/// <summary>The rig's credentials: fresh random values per rig, so the log scan can look for each one.</summary>
public sealed record Secrets(string AdminKey, string TwilioAccountSid, string TwilioAuthToken, string WhatsAppAppSecret, string WhatsAppVerifyToken, string WhatsAppAccessToken)
{
    public static Secrets New() => new(
        "olk_admin_faults_" + Hex(), "AC" + Hex(), Hex(), "wa-secret-" + Hex(), "wa-verify-" + Hex(), "wa-access-" + Hex());

    /// <summary>What must never appear in a log. The account SID is an identifier, not a secret.</summary>
    public IEnumerable<(string What, string Value)> All =>
    [
        ("the admin API key", AdminKey), ("the Twilio auth token", TwilioAuthToken), ("the WhatsApp app secret", WhatsAppAppSecret),
        ("the WhatsApp verify token", WhatsAppVerifyToken), ("the WhatsApp access token", WhatsAppAccessToken),
    ];

    private static string Hex() => Guid.NewGuid().ToString("N");
}

/// <summary>Distinct valid US contact numbers (fictional 555-01xx in nineteen area codes), handed out once each.</summary>
public sealed class ContactPool
{
    private static readonly string[] AreaCodes = ["212", "213", "305", "312", "404", "415", "617", "646", "718", "917", "310", "503", "206", "303", "512", "614", "702", "801", "202"];
    private int _next = -1;

    public string Next()
    {
        var n = Interlocked.Increment(ref _next);
        if (n >= 1900)
        {
            throw new InvalidOperationException("A rig hands out at most 1,900 contact numbers.");
        }

        return $"+1{AreaCodes[n / 100]}55501{n % 100:00}";
    }
}
