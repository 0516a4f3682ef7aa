using Optline.Core.Consent;
using Optline.Server.Web.Shared;
using Optline.Storage.Conversations;

namespace Optline.Server.Web.Inbox;

/// <summary>What the line user reads after pressing Send: whether the message left, and if not, why and what happens next.</summary>
public static class SendOutcomes
{
    public const string Held = "The contact has been asked to opt in; your message will be delivered when they reply YES.";
    public const string OptedOut = "This contact opted out. Nothing was sent, and a line cannot ask an opted-out contact again: they must write to you first.";
    public const string WindowClosed =
        "Outside WhatsApp's 24-hour window: the contact has not written to you on WhatsApp in the last 24 hours, so WhatsApp allows no free-form message. Nothing was sent.";

    public static Feedback Explain(EventOutcome outcome) => outcome.Status switch
    {
        MessageStatuses.Queued => new Feedback(Feedback.Ok, "Sent: your message is on its way to the contact."),
        MessageStatuses.Held => new Feedback(Feedback.Warn, Held),
        MessageStatuses.Blocked when outcome.Reason == BlockReason.WhatsAppWindowClosed.Name() => new Feedback(Feedback.Bad, WindowClosed),
        MessageStatuses.Blocked => new Feedback(Feedback.Bad, OptedOut),
        _ => new Feedback(Feedback.Warn, $"Your message was recorded with status '{outcome.Status}'."),
    };
}
