using System.Security.Cryptography;
using System.Text;

namespace Optline.Faults;

/// <summary>Signs webhooks the way the carriers document it (computed here, not with Optline's code).</summary>
public static class Signing
{
    /// <summary><c>X-Twilio-Signature</c>: base64(HMAC-SHA1(auth token, URL + every field name and value in ordinal name order)).</summary>
    public static string Twilio(string authToken, string url, IReadOnlyDictionary<string, string> form)
    {
        var signed = new StringBuilder(url);
        foreach (var name in form.Keys.Order(StringComparer.Ordinal))
        {
            signed.Append(name).Append(form[name]);
        }

        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(signed.ToString())));
    }

    /// <summary><c>X-Hub-Signature-256</c>: <c>sha256=</c> and the lower-case hex HMAC-SHA256 of the raw body under the app secret.</summary>
    public static string WhatsApp(string appSecret, byte[] rawBody) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(appSecret), rawBody));
}
