namespace Optline.Web.Tests.Infrastructure;

/// <summary>The seed's default texts, byte for byte (PRODUCT.md §3), as a contact or a line user must read them.</summary>
public static class SeedTexts
{
    public static string LineRequest(string userName) =>
        $"[Auto Message] {userName} is trying to reach you. As per company policy, you must provide your consent to continue messaging. To Opt in, reply YES. To opt out, reply STOP.";

    public const string LinePendingNotice =
        "[Automated Message]: Your contact has been sent a request to Opt-in. Once they accept, you will be able to message with your contact.";

    public const string LineOptedInNotice = "[Auto Message]: Your Contact has opted in. You may continue to send/receive messages.";

    public const string LineOptedInConfirm = "[Auto Message]: Opt in confirmed. If you wish to opt out at any time, reply STOP";

    public static string ContactRequest(string userName) =>
        $"[Auto Message] You are trying to reach {userName}. As per company policy, you must provide your consent in order for your message to be delivered. To opt in, reply YES. To opt out, reply STOP.";

    public const string ContactPendingNotice =
        "[Auto Message] A contact has attempted to send you a message. As per company policy, they have been sent a request to opt in. Once confirmed, you will be able to send/receive messages.";

    public const string ContactOptedInNotice = "[Auto Message] Your Contact has opted in. You may continue to send/receive messages.";

    public const string ContactOptedInConfirm = "[Auto Message] Opt in confirmed. To opt out at any time, reply STOP.";

    public const string OptOutNotice =
        "[Auto Message]: Your contact has opted out. No further messages can be sent to this contact until they have provided their consent again.";

    public const string OptOutConfirm = "[Auto Message]: Opt out confirmed. If you change your mind, please reply with a new message.";
}
