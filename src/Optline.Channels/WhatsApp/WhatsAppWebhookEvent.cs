namespace Optline.Channels.WhatsApp;

/// <summary>One thing a Cloud API webhook post reported; a post can carry several.</summary>
public abstract record WhatsAppWebhookEvent;

/// <summary>A message from a contact. Numbers are E.164 with '+'.</summary>
/// <param name="MessageId">The wamid, unique per message; Meta may deliver it more than once.</param>
/// <param name="DisplayPhoneNumber">Our business number the contact wrote to; it picks the line.</param>
/// <param name="Body">The text, button text, reply title or media caption; empty for other kinds.</param>
/// <param name="Kind">Meta's message type: text, button, interactive, image, audio, video, document, sticker, reaction, location, …</param>
/// <param name="ButtonPayload">A quick-reply button's payload, or the id of an interactive reply.</param>
public sealed record WhatsAppInboundMessage(
    string MessageId,
    string From,
    string DisplayPhoneNumber,
    string PhoneNumberId,
    string Body,
    string Kind,
    DateTimeOffset? Timestamp,
    string? ButtonPayload = null) : WhatsAppWebhookEvent;

/// <summary>What happened to a message we sent.</summary>
/// <param name="Status">sent, delivered, read or failed.</param>
/// <param name="ErrorCode">Meta's error code when failed, e.g. 131047 (outside the 24-hour window).</param>
public sealed record WhatsAppStatusUpdate(
    string MessageId,
    string Status,
    string? ErrorCode,
    string? ErrorTitle,
    DateTimeOffset? Timestamp = null) : WhatsAppWebhookEvent;

/// <summary>The contact stopped marketing messages from us in WhatsApp itself (the user_preferences webhook).</summary>
public sealed record WhatsAppUserPreferenceStop(
    string From,
    DateTimeOffset? Timestamp,
    string? DisplayPhoneNumber = null,
    string? PhoneNumberId = null) : WhatsAppWebhookEvent;
