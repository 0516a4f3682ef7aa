using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Optline.Storage.Audit;

/// <summary>
/// The hash chain: each record's hash is SHA-256 over the previous hash and a canonical encoding of the
/// record (a JSON array of its fields in a fixed order, times in Unix milliseconds).
/// </summary>
public static class AuditHash
{
    public static readonly string Genesis = new('0', 64);

    public static string Compute(long organizationId, long seq, DateTimeOffset at, AuditEntry e, string prevHash)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            json.WriteStringValue(prevHash);
            json.WriteNumberValue(organizationId);
            json.WriteNumberValue(seq);
            json.WriteNumberValue(at.ToUnixTimeMilliseconds());
            foreach (var field in new[] { e.Event, e.LineNumber, e.Contact, e.Channel, e.MessageId, e.Text, e.TemplateId })
            {
                WriteNullable(json, field);
            }

            if (e.TemplateVersion is { } version)
            {
                json.WriteNumberValue(version);
            }
            else
            {
                json.WriteNullValue();
            }

            foreach (var field in new[] { e.Rule, e.ClassifierVersion, e.ProviderMessageId, e.Signature, e.PayloadSha256, e.Detail })
            {
                WriteNullable(json, field);
            }

            json.WriteEndArray();
        }

        return Convert.ToHexStringLower(SHA256.HashData(buffer.WrittenSpan));
    }

    public static string Sha256Hex(ReadOnlySpan<byte> payload) => Convert.ToHexStringLower(SHA256.HashData(payload));

    public static string Sha256Hex(string text) => Sha256Hex(Encoding.UTF8.GetBytes(text));

    /// <summary>An empty text and a missing one encode alike, so a CSV export (which cannot tell them apart) still verifies.</summary>
    private static void WriteNullable(Utf8JsonWriter json, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            json.WriteNullValue();
        }
        else
        {
            json.WriteStringValue(value);
        }
    }
}
