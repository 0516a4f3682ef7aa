using Optline.Core.Consent;

namespace Optline.Channels.Sending;

/// <summary>
/// One message to send. <paramref name="From"/> and <paramref name="To"/> are E.164 with '+'.
/// <paramref name="Template"/> is used instead of <paramref name="Body"/> on WhatsApp outside the 24-hour window.
/// </summary>
public sealed record OutboundMessage(
    Channel Channel,
    string From,
    string To,
    string Body,
    WhatsAppTemplateMessage? Template = null,
    string? StatusCallbackUrl = null);

public sealed record WhatsAppTemplateMessage(string Name, string LanguageCode, IReadOnlyList<string> BodyParameters);
