namespace Optline.Storage.Tests.Conversations;

/// <summary>The seed's texts (PRODUCT.md §3) as a contact and Alice's line see them, byte for byte.</summary>
internal static class SeedTexts
{
    public const string LineRequest =
        "[Auto Message] Alice Martin is trying to reach you. As per company policy, you must provide your consent to continue messaging. To Opt in, reply YES. To opt out, reply STOP.";

    public const string LinePendingNotice =
        "[Automated Message]: Your contact has been sent a request to Opt-in. Once they accept, you will be able to message with your contact.";

    public const string LineOptedInNotice = "[Auto Message]: Your Contact has opted in. You may continue to send/receive messages.";

    public const string LineOptedInConfirm = "[Auto Message]: Opt in confirmed. If you wish to opt out at any time, reply STOP";

    public const string OptOutNotice =
        "[Auto Message]: Your contact has opted out. No further messages can be sent to this contact until they have provided their consent again.";

    public const string OptOutConfirm = "[Auto Message]: Opt out confirmed. If you change your mind, please reply with a new message.";
}
