using System.Security.Cryptography;
using System.Text;

namespace Optline.Channels.WhatsApp;

/// <summary>Meta's GET subscription check: echo <c>hub.challenge</c> only for our verify token.</summary>
public static class WhatsAppVerifyHandshake
{
    /// <returns>The challenge to answer with (200, text/plain), or null to refuse (403).</returns>
    public static string? Challenge(string? mode, string? verifyToken, string? challenge, string configuredToken)
    {
        if (mode != "subscribe" || string.IsNullOrEmpty(challenge) || string.IsNullOrEmpty(configuredToken) || verifyToken is null)
            return null;
        var tokensMatch = CryptographicOperations.FixedTimeEquals(
            Encoding.UTF8.GetBytes(verifyToken), Encoding.UTF8.GetBytes(configuredToken));
        return tokensMatch ? challenge : null;
    }
}
