using Optline.Core.Consent;
using Optline.Storage.Conversations;
using Optline.Storage.Organizations;

namespace Optline.Server.Web.Inbox;

/// <summary>Where the inbox's pieces live, so links, fragments and the event stream agree on one address per conversation.</summary>
public static class InboxUrls
{
    public static string Page(long lineId, string? contact = null, Channel channel = Channel.Sms) =>
        contact is null ? $"/inbox?line={lineId}" : $"/inbox?line={lineId}&contact={Uri.EscapeDataString(contact)}&channel={channel.Name()}";

    public static string Fragment(string handler, long lineId, string? contact, Channel channel) =>
        Page(lineId, contact, channel) + (contact is null ? $"&channel={channel.Name()}" : string.Empty) + "&handler=" + handler;

    public static string Events(long lineId, string? contact, Channel channel, string since) =>
        $"/inbox/events?line={lineId}&contact={Uri.EscapeDataString(contact ?? string.Empty)}&channel={channel.Name()}&since={Uri.EscapeDataString(since)}";
}

/// <summary>The conversation list of one line.</summary>
public sealed record ConversationListView(Line Line, IReadOnlyList<ConversationSummary> Items, string? SelectedContact, Channel SelectedChannel, long? OlderBefore)
{
    public bool IsSelected(ConversationSummary item) => item.Contact == SelectedContact && item.Channel == SelectedChannel;

    /// <summary>The latest entry in one line; a held message from the contact is not shown before they opt in.</summary>
    public static string Preview(ConversationSummary item) =>
        item.LastKind == "notice" ? "Notice: " + item.LastBody
        : item.LastDirection == Direction.Inbound && item.LastStatus == MessageStatuses.Held ? "A message held until the contact opts in"
        : (item.LastDirection == Direction.Outbound ? "You: " : string.Empty) + item.LastBody;
}

/// <summary>One conversation's thread with its consent state, for the live region of the inbox.</summary>
public sealed record ThreadView(
    Line Line, string Contact, Channel Channel, ConsentState State, DateTimeOffset? Since, Initiator? PendingInitiator, DateTimeOffset? LastInboundAt,
    IReadOnlyList<TimelineItem> Items, bool Truncated, long HeldCount, DateTimeOffset Now)
{
    public bool WhatsAppWindowClosed => Channel == Channel.WhatsApp && (LastInboundAt is not { } last || Now - last >= TimeSpan.FromHours(24));
}
