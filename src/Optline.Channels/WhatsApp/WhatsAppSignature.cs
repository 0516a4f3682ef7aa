using System.Security.Cryptography;
using System.Text;

namespace Optline.Channels.WhatsApp;

/// <summary>Checks <c>X-Hub-Signature-256: sha256=&lt;hex&gt;</c>, the HMAC-SHA256 of the raw body under the app secret.</summary>
public sealed class WhatsAppSignature
{
    public const string HeaderName = "X-Hub-Signature-256";

    private const string Prefix = "sha256=";
    private const int HexLength = HMACSHA256.HashSizeInBytes * 2;

    private readonly byte[] _appSecret;

    public WhatsAppSignature(string appSecret)
    {
        ArgumentException.ThrowIfNullOrEmpty(appSecret);
        _appSecret = Encoding.UTF8.GetBytes(appSecret);
    }

    public bool IsValid(ReadOnlySpan<byte> rawBody, string? header)
    {
        if (header is null)
            return false;
        var value = header.AsSpan().Trim();
        if (!value.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) || value.Length != Prefix.Length + HexLength)
            return false;

        Span<byte> claimed = stackalloc byte[HMACSHA256.HashSizeInBytes];
        if (Convert.FromHexString(value[Prefix.Length..], claimed, out _, out var written) != System.Buffers.OperationStatus.Done
            || written != claimed.Length)
            return false;

        Span<byte> actual = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_appSecret, rawBody, actual);
        return CryptographicOperations.FixedTimeEquals(claimed, actual);
    }

    /// <summary>The header value Meta would send for <paramref name="rawBody"/>.</summary>
    public string Sign(ReadOnlySpan<byte> rawBody) =>
        Prefix + Convert.ToHexStringLower(HMACSHA256.HashData(_appSecret, rawBody));
}
