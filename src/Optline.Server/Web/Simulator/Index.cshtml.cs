using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Optline.Core.Consent;
using Optline.Core.Messages;
using Optline.Core.Phones;
using Optline.Server.Hosting;
using Optline.Server.Web.Auth;
using Optline.Server.Web.Inbox;
using Optline.Server.Web.Live;
using Optline.Server.Webhooks;
using Optline.Storage.Organizations;
using SimulatorApi = Optline.Server.Simulator.SimulatorApi;

namespace Optline.Server.Web.Simulator;

/// <summary>
/// <c>/simulator</c>: a phone screen to play the contact. What the contact types goes through <see cref="InboundIntake"/>
/// exactly as a carrier's webhook does; what the phone shows is what the simulated carrier sent.
/// </summary>
public sealed class SimulatorModel(
    ChannelProviderOptions providers, OrganizationStore organizations, PhoneQueries phones, LiveSignals signals, InboundIntake intake) : PageModel
{
    public IReadOnlyCollection<Channel> Simulated { get; private set; } = [];

    /// <summary>The lines a signed-in person may pick from; empty when not signed in (the line number is typed).</summary>
    public IReadOnlyList<Line> Lines { get; private set; } = [];

    public string ContactInput { get; private set; } = string.Empty;

    public string LineInput { get; private set; } = string.Empty;

    public Channel Channel { get; private set; } = Channel.Sms;

    public PhoneView? Phone { get; private set; }

    public string? LiveSource { get; private set; }

    public string? PhoneFragment { get; private set; }

    public Dictionary<string, string> Errors { get; } = new(StringComparer.Ordinal);

    public string? Draft { get; private set; }

    public bool SignedIn => User.TryGetPrincipal() is not null;

    public string ChannelNote => (providers.SmsIsTwilio, providers.WhatsAppIsCloudApi) switch
    {
        (true, true) => "The simulator is off: SMS goes through Twilio and WhatsApp through the WhatsApp Cloud API. Play the contact from a real phone.",
        (true, false) => "SMS goes through Twilio here, so only WhatsApp can be simulated. Play an SMS contact from a real phone.",
        (false, true) => "WhatsApp goes through the WhatsApp Cloud API here, so only SMS can be simulated. Play a WhatsApp contact from a real phone.",
        _ => string.Empty,
    };

    public async Task<IActionResult> OnGetAsync(string? contact, string? line, string? channel, CancellationToken ct)
    {
        await LoadAsync(contact, line, channel, ct);
        return Page();
    }

    public async Task<IActionResult> OnGetPhoneAsync(string? contact, string? line, string? channel, CancellationToken ct)
    {
        await LoadAsync(contact, line, channel, ct);
        return Phone is null ? NotFound() : Partial("_PhoneMessages", Phone);
    }

    public async Task<IActionResult> OnPostSendAsync(string? contact, string? line, string? channel, string? body, string? quick, CancellationToken ct)
    {
        await LoadAsync(contact, line, channel, ct);
        if (Phone is null)
        {
            return Page();
        }

        var text = string.IsNullOrEmpty(quick) ? body : quick;
        if (MessageLimits.Check(text, Channel) is { } bodyError)
        {
            Errors["body"] = bodyError;
            Draft = text;
            return Page();
        }

        var (_, refused) = await intake.AcceptAsync(new CarrierMessage(
            "simulator", "sim-web-" + Guid.NewGuid().ToString("N"), Channel, Phone.Line.Number, Phone.Contact, text!, Signature: "simulator"), ct);
        if (refused is not null)
        {
            Errors["body"] = refused.ProblemDetails.Detail ?? "The message was refused.";
            Draft = text;
            return Page();
        }

        return Redirect(PageUrl(Phone));
    }

    public static string PageUrl(PhoneView phone) => "/simulator?" + Query(phone);

    public static string Query(PhoneView phone) =>
        $"contact={Uri.EscapeDataString(phone.Contact)}&line={Uri.EscapeDataString(phone.Line.Number)}&channel={phone.Channel.Name()}";

    private async Task LoadAsync(string? contact, string? line, string? channel, CancellationToken ct)
    {
        Simulated = SimulatorApi.SimulatedChannels(providers);
        if (Simulated.Count == 0)
        {
            return;
        }

        var principal = User.TryGetPrincipal();
        if (principal is not null)
        {
            Lines = (await LineAccess.ResolveAsync(organizations, principal, null, ct)).Choices;
        }

        ContactInput = contact ?? string.Empty;
        LineInput = line ?? (Lines.Count > 0 ? Lines[0].Number : string.Empty);
        Channel = VocabularyNames.TryParseChannel(channel, out var parsed) && Simulated.Contains(parsed) ? parsed : Simulated.First();
        if (contact is null && line is null)
        {
            return;
        }

        if (!PhoneNumbers.TryNormalize(contact, out var contactNumber, out var contactError))
        {
            Errors["contact"] = PhoneNumbers.Describe(contactError, contact);
        }

        Line? found = null;
        if (!PhoneNumbers.TryNormalize(line, out var lineNumber, out var lineError))
        {
            Errors["line"] = PhoneNumbers.Describe(lineError, line);
        }
        else if ((found = await organizations.FindLineByNumberAsync(lineNumber, ct)) is null)
        {
            Errors["line"] = $"{lineNumber} is not an Optline line. An admin adds lines in the portal.";
        }

        if (found is null || Errors.Count > 0)
        {
            return;
        }

        // The fingerprint is read before the phone, so a change that lands in between is still reported.
        var since = await signals.ConversationAsync(found.Id, contactNumber, Channel, ct);
        Phone = await phones.ReadAsync(found, contactNumber, Channel, ct);
        LiveSource = $"/simulator/events?{Query(Phone)}&since={Uri.EscapeDataString(since)}";
        PhoneFragment = $"/simulator?handler=Phone&{Query(Phone)}";
    }
}
