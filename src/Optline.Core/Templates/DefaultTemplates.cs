namespace Optline.Core.Templates;

/// <summary>The seed's texts, byte for byte (PRODUCT.md §3). The names missing from the seed are <c>{UserName}</c>.</summary>
public static class DefaultTemplates
{
    public const string Language = "en";

    public static string Text(TemplateId id) => id switch
    {
        TemplateId.LineRequest => "[Auto Message] {UserName} is trying to reach you. As per company policy, you must provide your consent to continue messaging. To Opt in, reply YES. To opt out, reply STOP.",
        TemplateId.LinePendingNotice => "[Automated Message]: Your contact has been sent a request to Opt-in. Once they accept, you will be able to message with your contact.",
        TemplateId.LineOptedInNotice => "[Auto Message]: Your Contact has opted in. You may continue to send/receive messages.",
        TemplateId.LineOptedInConfirm => "[Auto Message]: Opt in confirmed. If you wish to opt out at any time, reply STOP",
        TemplateId.ContactRequest => "[Auto Message] You are trying to reach {UserName}. As per company policy, you must provide your consent in order for your message to be delivered. To opt in, reply YES. To opt out, reply STOP.",
        TemplateId.ContactPendingNotice => "[Auto Message] A contact has attempted to send you a message. As per company policy, they have been sent a request to opt in. Once confirmed, you will be able to send/receive messages.",
        TemplateId.ContactOptedInNotice => "[Auto Message] Your Contact has opted in. You may continue to send/receive messages.",
        TemplateId.ContactOptedInConfirm => "[Auto Message] Opt in confirmed. To opt out at any time, reply STOP.",
        TemplateId.OptOutNotice => "[Auto Message]: Your contact has opted out. No further messages can be sent to this contact until they have provided their consent again.",
        TemplateId.OptOutConfirm => "[Auto Message]: Opt out confirmed. If you change your mind, please reply with a new message.",
        TemplateId.Help => "[Auto Message] {OrganizationName}: you are messaging {UserName}. Reply YES to opt in, STOP to opt out. Msg&data rates may apply.",
        _ => throw new ArgumentOutOfRangeException(nameof(id)),
    };
}
