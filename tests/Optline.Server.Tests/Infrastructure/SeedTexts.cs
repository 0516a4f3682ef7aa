namespace Optline.Server.Tests.Infrastructure;

/// <summary>
/// The default texts of PRODUCT.md §3, copied byte for byte from the specification (not from the server's code),
/// so a drift in either is caught here.
/// </summary>
public static class SeedTexts
{
    public const string LineRequest = "[Auto Message] {UserName} is trying to reach you. As per company policy, you must provide your consent to continue messaging. To Opt in, reply YES. To opt out, reply STOP.";
    public const string LinePendingNotice = "[Automated Message]: Your contact has been sent a request to Opt-in. Once they accept, you will be able to message with your contact.";
    public const string LineOptedInNotice = "[Auto Message]: Your Contact has opted in. You may continue to send/receive messages.";
    public const string LineOptedInConfirm = "[Auto Message]: Opt in confirmed. If you wish to opt out at any time, reply STOP";
    public const string ContactRequest = "[Auto Message] You are trying to reach {UserName}. As per company policy, you must provide your consent in order for your message to be delivered. To opt in, reply YES. To opt out, reply STOP.";
    public const string ContactPendingNotice = "[Auto Message] A contact has attempted to send you a message. As per company policy, they have been sent a request to opt in. Once confirmed, you will be able to send/receive messages.";
    public const string ContactOptedInNotice = "[Auto Message] Your Contact has opted in. You may continue to send/receive messages.";
    public const string ContactOptedInConfirm = "[Auto Message] Opt in confirmed. To opt out at any time, reply STOP.";
    public const string OptOutNotice = "[Auto Message]: Your contact has opted out. No further messages can be sent to this contact until they have provided their consent again.";
    public const string OptOutConfirm = "[Auto Message]: Opt out confirmed. If you change your mind, please reply with a new message.";
    public const string Help = "[Auto Message] {OrganizationName}: you are messaging {UserName}. Reply YES to opt in, STOP to opt out. Msg&data rates may apply.";

    /// <summary>Template id → default text, as <c>GET /api/v1/settings</c> lists them.</summary>
    public static readonly IReadOnlyDictionary<string, string> ById = new Dictionary<string, string>
    {
        ["line_request"] = LineRequest,
        ["line_pending_notice"] = LinePendingNotice,
        ["line_optedin_notice"] = LineOptedInNotice,
        ["line_optedin_confirm"] = LineOptedInConfirm,
        ["contact_request"] = ContactRequest,
        ["contact_pending_notice"] = ContactPendingNotice,
        ["contact_optedin_notice"] = ContactOptedInNotice,
        ["contact_optedin_confirm"] = ContactOptedInConfirm,
        ["optout_notice"] = OptOutNotice,
        ["optout_confirm"] = OptOutConfirm,
        ["help"] = Help,
    };

    public static string LineRequestFor(string userName) => LineRequest.Replace("{UserName}", userName, StringComparison.Ordinal);

    public static string ContactRequestFor(string userName) => ContactRequest.Replace("{UserName}", userName, StringComparison.Ordinal);

    public static string HelpFor(string organizationName, string userName) =>
        Help.Replace("{OrganizationName}", organizationName, StringComparison.Ordinal).Replace("{UserName}", userName, StringComparison.Ordinal);
}
