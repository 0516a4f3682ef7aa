using System.Net;
using System.Text.RegularExpressions;
using Optline.Faults.Tests.Support;

namespace Optline.Faults.Tests.Abuse;

/// <summary>
/// The server's stdout and stderr at its default log level, captured across a session that touches every kind of
/// request: no auth token, API key, app secret, verify token, message body or full phone number appears in them.
/// </summary>
public sealed partial class LogHygieneTests
{
    [Fact]
    public async Task Secrets_bodies_and_full_phone_numbers_never_appear_in_the_servers_output()
    {
        await using var rig = await Rig.StartAsync(new RigOptions { Name = "logs", Lines = 2 });
        var line = rig.Lines[0];
        var phone = new Phone(rig, line, rig.Contacts.Next(), new Random(7), new TrafficOptions { DuplicateRate = 0 });
        var bodies = new List<string>();

        await phone.LineWritesAsync();
        await phone.TextAsync("YES");
        await phone.TextPairAsync();
        await phone.LineWritesAsync();
        var q = $"line={Uri.EscapeDataString(line.Number)}&contact={Uri.EscapeDataString(phone.Contact)}&channel=sms";
        foreach (var path in new[]
        {
            "/api/v1/conversations?" + q, "/api/v1/consents?" + q, $"/api/v1/audit?format=jsonl&contact={Uri.EscapeDataString(phone.Contact)}",
            $"/api/v1/consents/registry?format=csv&contact={Uri.EscapeDataString(phone.Contact)}", $"/api/v1/audit/proof?format=html&contact={Uri.EscapeDataString(phone.Contact)}",
            "/api/v1/conversations?line=%2B1900555012&contact=not-a-number",
        })
        {
            await Requests.SendAsync(rig, HttpMethod.Get, path, bearer: rig.Secrets.AdminKey);
        }

        var whatsappContact = rig.Contacts.Next();
        var whatsappBody = "whatsapp hello " + Guid.NewGuid().ToString("N");
        bodies.Add(whatsappBody);
        await Requests.WhatsAppAsync(rig, Requests.WhatsAppText(whatsappContact, line.Number, whatsappBody, Requests.NewWamid()));
        await Requests.SendAsync(rig, HttpMethod.Get, $"/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token={rig.Secrets.WhatsAppVerifyToken}&hub.challenge=1158201444");
        await Requests.SendAsync(rig, HttpMethod.Get, "/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1");
        var forged = "forged body " + Guid.NewGuid().ToString("N");
        bodies.Add(forged);
        await Requests.TwilioAsync(rig, "/webhooks/twilio", rig.TwilioForm(Requests.NewSid(), phone.Contact, line.Number, forged), "bad-signature");
        await Requests.RawAsync(rig, "/api/v1/messages", Requests.Utf8($"{{\"from\":\"{line.Number}\",\"to\":\"{phone.Contact}\",\"body\":\"broken"), "application/json", line.ApiKey);
        await Requests.SendAsync(rig, HttpMethod.Get, "/api/v1/lines", bearer: "olk_admin_" + Guid.NewGuid().ToString("N"));
        await SignInAndBrowseAsync(rig, line, phone.Contact);
        await phone.TextAsync("STOP");
        await phone.FinishAsync();
        await rig.WaitForOutboxDrainAsync(TimeSpan.FromSeconds(30));
        await rig.StopAsync();

        var log = rig.Log.Text;
        Assert.Contains("Now listening on", log, StringComparison.Ordinal);
        var needles = LogScan.NeedlesOf(rig).Concat(bodies.Select(b => ("a message body", b))).Append(LogScan.Number(whatsappContact));
        Assert.Empty(LogScan.Leaks(log, needles));
    }

    private static async Task SignInAndBrowseAsync(Rig rig, RigLine line, string contact)
    {
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = rig.BaseAddress };
        var token = AntiforgeryToken().Match(await browser.GetStringAsync(new Uri("/", UriKind.Relative))).Groups[1].Value;
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["ApiKey"] = line.ApiKey, ["__RequestVerificationToken"] = token });
        using var signedIn = await browser.PostAsync(new Uri("/", UriKind.Relative), form);
        await browser.GetStringAsync(new Uri($"/inbox?line={line.Id}&contact={Uri.EscapeDataString(contact)}&channel=sms", UriKind.Relative));
        await browser.GetAsync(new Uri($"/simulator?contact={Uri.EscapeDataString(contact)}", UriKind.Relative));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
