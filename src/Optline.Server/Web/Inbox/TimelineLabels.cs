using Optline.Storage.Conversations;

namespace Optline.Server.Web.Inbox;

/// <summary>The words under each message of a thread: its status, and why a held, blocked or cancelled message did not go.</summary>
public static class TimelineLabels
{
    public static bool IsInbound(TimelineItem item) => item.Direction == "inbound";

    public static bool IsAutomated(TimelineItem item) => item.TemplateId is not null;

    /// <summary>A held message from the contact stays unread until they opt in (the seed: "the line does not see its text yet").</summary>
    public static bool HidesBody(TimelineItem item) => IsInbound(item) && item.Status == MessageStatuses.Held;

    public static string Author(TimelineItem item) => IsInbound(item) ? "Contact" : IsAutomated(item) ? "Automated, to the contact" : "You";

    /// <summary>A prominent explanation for a message that did not (yet) go through; null for one that did.</summary>
    public static string? Flag(TimelineItem item) => (item.Status, item.Reason, IsInbound(item)) switch
    {
        (MessageStatuses.Held, _, true) => "Held until the contact opts in",
        (MessageStatuses.Held, _, false) => "Held: waiting for the contact to opt in",
        (MessageStatuses.Blocked, "whatsapp_window_closed", _) => "Blocked: outside WhatsApp's 24-hour window",
        (MessageStatuses.Blocked, _, _) => "Blocked: this contact opted out",
        (MessageStatuses.Cancelled, "opted_out", _) => "Cancelled: the contact opted out",
        (MessageStatuses.Cancelled, "consent_changed", _) => "Cancelled: consent changed before it was sent",
        (MessageStatuses.Cancelled, _, _) => "Cancelled: the contact opted out",
        (MessageStatuses.Expired, _, _) => "Expired: never sent, no opt-in in time",
        (MessageStatuses.Failed, var reason, _) => "Failed" + (reason is null ? string.Empty : $" ({reason})"),
        _ => null,
    };

    public static string Status(TimelineItem item) => (item.Status, IsInbound(item)) switch
    {
        (MessageStatuses.Delivered, true) => "Received",
        (MessageStatuses.Delivered, false) => "Delivered",
        (MessageStatuses.Sent, _) => "Sent",
        (MessageStatuses.Queued, _) => "Sending",
        (MessageStatuses.Held, _) => "Held",
        (MessageStatuses.Blocked, _) => "Not sent",
        (MessageStatuses.Cancelled, _) => "Cancelled",
        (MessageStatuses.Expired, _) => "Expired",
        (MessageStatuses.Failed, _) => "Failed",
        _ => item.Status,
    };
}
