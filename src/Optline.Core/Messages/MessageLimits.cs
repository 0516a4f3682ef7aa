using Optline.Core.Consent;

namespace Optline.Core.Messages;

/// <summary>Message length limits per channel (PRODUCT.md §6).</summary>
public static class MessageLimits
{
    public const int SmsMaxLength = 1600;
    public const int WhatsAppMaxLength = 4096;

    public static int MaxLength(Channel channel) => channel == Channel.WhatsApp ? WhatsAppMaxLength : SmsMaxLength;

    /// <summary>Null when the body fits; otherwise why not, in words a user understands.</summary>
    public static string? Check(string? body, Channel channel)
    {
        if (string.IsNullOrEmpty(body))
        {
            return "A message needs a body of at least one character.";
        }

        var max = MaxLength(channel);
        return body.Length > max
            ? $"A {channel.Name()} message is at most {max} characters; this one has {body.Length}."
            : null;
    }
}
