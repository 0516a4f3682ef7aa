namespace Optline.Core.Tests.Consent;

/// <summary>
/// The default texts of PRODUCT.md §3, copied byte for byte. Deliberately not taken from the product's
/// <c>DefaultTemplates</c>: a typo there must fail a test. Texts with variables are filled in here by plain
/// string replacement, independently of the product's template engine.
/// </summary>
internal static class SeedTexts
{
    /// <summary>The line's display name as the admin submitted it ("user" in the seed).</summary>
    public const string UserName = "Alex Morgan";

    public const string OrganizationName = "Morgan Wealth Partners";

    public const string LineNumber = "+12015550100";

    public const string ContactNumber = "+12015550123";

    /// <summary><c>line_request</c>, to the contact.</summary>
    public const string LineRequestTemplate = "[Auto Message] {UserName} is trying to reach you. As per company policy, you must provide your consent to continue messaging. To Opt in, reply YES. To opt out, reply STOP.";

    /// <summary><c>line_pending_notice</c>, to the line.</summary>
    public const string LinePendingNotice = "[Automated Message]: Your contact has been sent a request to Opt-in. Once they accept, you will be able to message with your contact.";

    /// <summary><c>line_optedin_notice</c>, to the line.</summary>
    public const string LineOptedInNotice = "[Auto Message]: Your Contact has opted in. You may continue to send/receive messages.";

    /// <summary><c>line_optedin_confirm</c>, to the contact.</summary>
    public const string LineOptedInConfirm = "[Auto Message]: Opt in confirmed. If you wish to opt out at any time, reply STOP";

    /// <summary><c>contact_request</c>, to the contact.</summary>
    public const string ContactRequestTemplate = "[Auto Message] You are trying to reach {UserName}. As per company policy, you must provide your consent in order for your message to be delivered. To opt in, reply YES. To opt out, reply STOP.";

    /// <summary><c>contact_pending_notice</c>, to the line.</summary>
    public const string ContactPendingNotice = "[Auto Message] A contact has attempted to send you a message. As per company policy, they have been sent a request to opt in. Once confirmed, you will be able to send/receive messages.";

    /// <summary><c>contact_optedin_notice</c>, to the line.</summary>
    public const string ContactOptedInNotice = "[Auto Message] Your Contact has opted in. You may continue to send/receive messages.";

    /// <summary><c>contact_optedin_confirm</c>, to the contact.</summary>
    public const string ContactOptedInConfirm = "[Auto Message] Opt in confirmed. To opt out at any time, reply STOP.";

    /// <summary><c>optout_notice</c>, to the line.</summary>
    public const string OptOutNotice = "[Auto Message]: Your contact has opted out. No further messages can be sent to this contact until they have provided their consent again.";

    /// <summary><c>optout_confirm</c>, to the contact.</summary>
    public const string OptOutConfirm = "[Auto Message]: Opt out confirmed. If you change your mind, please reply with a new message.";

    /// <summary><c>help</c>, to the contact.</summary>
    public const string HelpTemplate = "[Auto Message] {OrganizationName}: you are messaging {UserName}. Reply YES to opt in, STOP to opt out. Msg&data rates may apply.";

    /// <summary>Every §3 template by its id, as the spec writes it (variables unfilled).</summary>
    public static readonly IReadOnlyDictionary<string, string> ById = new Dictionary<string, string>
    {
        ["line_request"] = LineRequestTemplate,
        ["line_pending_notice"] = LinePendingNotice,
        ["line_optedin_notice"] = LineOptedInNotice,
        ["line_optedin_confirm"] = LineOptedInConfirm,
        ["contact_request"] = ContactRequestTemplate,
        ["contact_pending_notice"] = ContactPendingNotice,
        ["contact_optedin_notice"] = ContactOptedInNotice,
        ["contact_optedin_confirm"] = ContactOptedInConfirm,
        ["optout_notice"] = OptOutNotice,
        ["optout_confirm"] = OptOutConfirm,
        ["help"] = HelpTemplate,
    };

    /// <summary><c>line_request</c> as the contact receives it.</summary>
    public static string LineRequest(string userName = UserName) => LineRequestTemplate.Replace("{UserName}", userName, StringComparison.Ordinal);

    /// <summary><c>contact_request</c> as the contact receives it.</summary>
    public static string ContactRequest(string userName = UserName) => ContactRequestTemplate.Replace("{UserName}", userName, StringComparison.Ordinal);

    /// <summary><c>help</c> as the contact receives it.</summary>
    public static string Help(string organizationName = OrganizationName, string userName = UserName) =>
        HelpTemplate.Replace("{OrganizationName}", organizationName, StringComparison.Ordinal).Replace("{UserName}", userName, StringComparison.Ordinal);
}
