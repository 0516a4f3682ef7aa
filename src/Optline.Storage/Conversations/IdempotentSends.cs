using System.Security.Cryptography;
using System.Text;
using Optline.Core.Consent;
using Optline.Storage.Organizations;

namespace Optline.Storage.Conversations;

/// <summary>
/// A line's message sent with an idempotency key: the key is claimed like a carrier's message id, in the same
/// transaction as the message, with the outcome the first request got. A request sent again with the key gets that
/// outcome and changes nothing; the key used again for a different message is refused.
/// </summary>
internal static class IdempotentSends
{
    /// <summary>Keys are the organization's: the "provider" they are claimed under in <c>processed_inbound</c>.</summary>
    public static string Namespace(long organizationId) => "api-key:" + organizationId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>What the key stands for: the line, the contact, the channel and the text.</summary>
    public static string Fingerprint(Line line, string contact, Channel channel, string body) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{line.Id}\n{contact}\n{channel.Name()}\n{body}")));
}

/// <summary>An idempotency key sent again with a different message than the one it was first used for.</summary>
public sealed class IdempotencyKeyReusedException() : Exception("The idempotency key was first used for a different message.");
