using System.Buffers;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Twilio.Security;

namespace Optline.Channels.Twilio;

/// <summary>
/// Checks <c>X-Twilio-Signature</c> on Twilio's form posts: HMAC-SHA1 under the auth token of the URL Twilio posted to,
/// followed by each field's name and value in name order, in base64. The URL as given is checked first, in one pass
/// over pooled bytes; only a signature that does not match it goes to the SDK's validator, which also accepts the URL
/// with its default port added or removed (it builds both variants, their strings and two HMACs for every request:
/// a sixth of the server's allocations per webhook when it ran first). One instance serves every request: the
/// validator, whose HMAC object is not safe to share between threads, is made for each fallback.
/// </summary>
public sealed class TwilioSignature
{
    public const string HeaderName = "X-Twilio-Signature";

    private const int SignatureLength = 28;

    private readonly string _authToken;
    private readonly byte[] _key;

    public TwilioSignature(string authToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(authToken);
        _authToken = authToken;
        _key = Encoding.UTF8.GetBytes(authToken);
    }

    /// <param name="url">The full URL Twilio posted to, as Twilio saw it: the public base URL, path and query.</param>
    public bool IsValid(string url, IReadOnlyDictionary<string, string> form, string? signature) =>
        !string.IsNullOrEmpty(signature)
        && (SignsExactly(url, form, signature)
            || new RequestValidator(_authToken).Validate(url, form.ToDictionary(field => field.Key, field => field.Value, StringComparer.Ordinal), signature));

    public bool IsValid(string url, IFormCollection form, string? signature) =>
        IsValid(url, TwilioForm.FirstValues(form), signature);

    /// <summary>The URL Twilio signed: our public base URL (not the address we listen on) plus path and query.</summary>
    public static string SignedUrl(string publicBaseUrl, string pathAndQuery) =>
        publicBaseUrl.TrimEnd('/') + (pathAndQuery.StartsWith('/') ? pathAndQuery : "/" + pathAndQuery);

    private bool SignsExactly(string url, IReadOnlyDictionary<string, string> form, string signature)
    {
        if (signature.Length != SignatureLength)
        {
            return false;
        }

        var names = new string[form.Count];
        var length = Encoding.UTF8.GetByteCount(url);
        var i = 0;
        foreach (var (name, value) in form)
        {
            names[i++] = name;
            length += Encoding.UTF8.GetByteCount(name) + Encoding.UTF8.GetByteCount(value);
        }

        Array.Sort(names, StringComparer.Ordinal);
        var signed = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var written = Encoding.UTF8.GetBytes(url, signed);
            foreach (var name in names)
            {
                written += Encoding.UTF8.GetBytes(name, signed.AsSpan(written));
                written += Encoding.UTF8.GetBytes(form[name], signed.AsSpan(written));
            }

            Span<byte> mac = stackalloc byte[HMACSHA1.HashSizeInBytes];
            HMACSHA1.HashData(_key, signed.AsSpan(0, written), mac);
            Span<char> expected = stackalloc char[SignatureLength];
            return Convert.TryToBase64Chars(mac, expected, out var chars) && chars == SignatureLength
                && CryptographicOperations.FixedTimeEquals(MemoryMarshal.AsBytes(expected), MemoryMarshal.AsBytes(signature.AsSpan()));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(signed);
        }
    }
}
