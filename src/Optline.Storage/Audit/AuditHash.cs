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

    /// <summary>The encoding's buffer and writer, reused by each thread: the writer hashes several records per event.</summary>
    [ThreadStatic]
    private static CanonicalWriter? t_writer;

    public static string Compute(long organizationId, long seq, DateTimeOffset at, AuditEntry e, string prevHash)
    {
        var writer = t_writer ??= new CanonicalWriter();
        var json = writer.Start();
        json.WriteStartArray();
        json.WriteStringValue(prevHash);
        json.WriteNumberValue(organizationId);
        json.WriteNumberValue(seq);
        json.WriteNumberValue(at.ToUnixTimeMilliseconds());
        // Span collection expressions live on the stack: the field lists cost no allocation.
        foreach (var field in (ReadOnlySpan<string?>)[e.Event, e.LineNumber, e.Contact, e.Channel, e.MessageId, e.Text, e.TemplateId])
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

        foreach (var field in (ReadOnlySpan<string?>)[e.Rule, e.ClassifierVersion, e.ProviderMessageId, e.Signature, e.PayloadSha256, e.Detail])
        {
            WriteNullable(json, field);
        }

        json.WriteEndArray();
        json.Flush();

        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(writer.Written, hash);
        return Convert.ToHexStringLower(hash);
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

    private sealed class CanonicalWriter
    {
        private readonly ArrayBufferWriter<byte> _buffer = new(1024);
        private readonly Utf8JsonWriter _json;

        public CanonicalWriter() => _json = new Utf8JsonWriter(_buffer);

        public ReadOnlySpan<byte> Written => _buffer.WrittenSpan;

        public Utf8JsonWriter Start()
        {
            _buffer.ResetWrittenCount();
            _json.Reset(_buffer);
            return _json;
        }
    }
}
