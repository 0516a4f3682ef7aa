using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace Optline.Storage.Audit;

/// <summary>
/// The attestation record as JSON Lines or CSV, written and read one record at a time. A JSON Lines export
/// starts with a header line saying whether it is the whole chain and where the chain starts (its checkpoint),
/// so the file can be verified offline with no database.
/// </summary>
public static class AuditExport
{
    public static readonly string[] Columns =
    [
        "organizationId", "seq", "at", "event", "line", "contact", "channel", "messageId", "text", "templateId", "templateVersion",
        "rule", "classifierVersion", "providerMessageId", "signature", "payloadSha256", "detail", "prevHash", "hash",
    ];

    private const int FlushEvery = 256;

    /// <summary>Readable JSON (a '+' stays a '+'); still valid JSON, and the hashes cover the values, not these bytes.</summary>
    private static readonly JsonWriterOptions Readable = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static async Task<long> WriteJsonLinesAsync(IAsyncEnumerable<AuditRecord> records, Stream output, long organizationId, bool wholeChain, AuditCheckpoint? checkpoint, CancellationToken ct)
    {
        var buffer = new MemoryStream();
        using (var header = new Utf8JsonWriter(buffer, Readable))
        {
            header.WriteStartObject();
            header.WriteNumber("optlineAuditExport", 1);
            header.WriteNumber("organizationId", organizationId);
            header.WriteBoolean("wholeChain", wholeChain);
            if (checkpoint is not null && wholeChain)
            {
                header.WriteStartObject("checkpoint");
                header.WriteNumber("seq", checkpoint.Seq);
                header.WriteString("hash", checkpoint.Hash);
                header.WriteString("at", Time(checkpoint.At));
                header.WriteNumber("removed", checkpoint.Removed);
                header.WriteEndObject();
            }

            header.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        long count = 0;
        await foreach (var record in records.WithCancellation(ct))
        {
            using (var json = new Utf8JsonWriter(buffer, Readable))
            {
                json.WriteStartObject();
                var values = Values(record);
                for (var i = 0; i < Columns.Length; i++)
                {
                    switch (values[i])
                    {
                        case null:
                            json.WriteNull(Columns[i]);
                            break;
                        case long number:
                            json.WriteNumber(Columns[i], number);
                            break;
                        case string text:
                            json.WriteString(Columns[i], text);
                            break;
                    }
                }

                json.WriteEndObject();
            }

            buffer.WriteByte((byte)'\n');
            if (++count % FlushEvery == 0)
            {
                await FlushAsync(buffer, output, ct);
            }
        }

        await FlushAsync(buffer, output, ct);
        return count;
    }

    public static async Task<long> WriteCsvAsync(IAsyncEnumerable<AuditRecord> records, Stream output, CancellationToken ct)
    {
        var writer = new StreamWriter(output, new UTF8Encoding(false), 64 * 1024, leaveOpen: true) { NewLine = "\r\n" };
        await writer.WriteLineAsync(string.Join(',', Columns));
        long count = 0;
        await foreach (var record in records.WithCancellation(ct))
        {
            await writer.WriteLineAsync(string.Join(',', Values(record).Select(v => Csv.Quote(v switch
            {
                null => string.Empty,
                long number => number.ToString(CultureInfo.InvariantCulture),
                _ => (string)v,
            }))));
            if (++count % FlushEvery == 0)
            {
                await writer.FlushAsync(ct);
            }
        }

        await writer.FlushAsync(ct);
        return count;
    }

    /// <summary>Reads an export back (JSON Lines or CSV, told apart by the first character); the header of a JSON Lines file gives its checkpoint.</summary>
    public static async Task<(IAsyncEnumerable<AuditRecord> Records, AuditCheckpoint? Checkpoint, bool WholeChain)> ReadAsync(TextReader reader, CancellationToken ct)
    {
        var first = await reader.ReadLineAsync(ct) ?? string.Empty;
        if (first.StartsWith('{'))
        {
            using var header = JsonDocument.Parse(first);
            var root = header.RootElement;
            if (!root.TryGetProperty("optlineAuditExport", out _))
            {
                throw new FormatException("The file does not start with an Optline audit export header.");
            }

            AuditCheckpoint? checkpoint = null;
            if (root.TryGetProperty("checkpoint", out var c) && c.ValueKind == JsonValueKind.Object)
            {
                checkpoint = new AuditCheckpoint(c.GetProperty("seq").GetInt64(), c.GetProperty("hash").GetString()!, ParseTime(c.GetProperty("at").GetString()!), c.GetProperty("removed").GetInt64());
            }

            return (ReadJsonLines(reader, ct), checkpoint, root.TryGetProperty("wholeChain", out var whole) && whole.GetBoolean());
        }

        if (first.TrimEnd('\r') != string.Join(',', Columns))
        {
            throw new FormatException("The file is neither an Optline JSON Lines export nor its CSV (the header row does not match).");
        }

        return (ReadCsv(reader, ct), null, true);
    }

    private static async IAsyncEnumerable<AuditRecord> ReadJsonLines(TextReader reader, [EnumeratorCancellation] CancellationToken ct)
    {
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            using var document = JsonDocument.Parse(line);
            var values = Columns.Select(c => document.RootElement.TryGetProperty(c, out var v) ? v : default).ToArray();
            yield return FromValues(values.Select(v => v.ValueKind switch
            {
                JsonValueKind.String => v.GetString(),
                JsonValueKind.Number => v.GetInt64().ToString(CultureInfo.InvariantCulture),
                _ => null,
            }).ToArray());
        }
    }

    private static async IAsyncEnumerable<AuditRecord> ReadCsv(TextReader reader, [EnumeratorCancellation] CancellationToken ct)
    {
        while (await Csv.ReadRowAsync(reader, ct) is { } row)
        {
            if (row.Count != Columns.Length)
            {
                throw new FormatException($"A CSV row has {row.Count} fields; an audit record has {Columns.Length}.");
            }

            // CSV cannot tell an empty text from a missing one; the canonical encoding treats empty optional fields as missing.
            yield return FromValues([.. row.Select((v, i) => v.Length == 0 && i >= 4 ? null : v)]);
        }
    }

    private static object?[] Values(AuditRecord r)
    {
        var e = r.Entry;
        return
        [
            r.OrganizationId, r.Seq, Time(r.At), e.Event, e.LineNumber, e.Contact, e.Channel, e.MessageId, e.Text, e.TemplateId, e.TemplateVersion,
            e.Rule, e.ClassifierVersion, e.ProviderMessageId, e.Signature, e.PayloadSha256, e.Detail, r.PrevHash, r.Hash,
        ];
    }

    private static AuditRecord FromValues(string?[] v)
    {
        long Long(int i) => long.Parse(v[i] ?? throw new FormatException($"{Columns[i]} is missing."), CultureInfo.InvariantCulture);
        return new AuditRecord(Long(0), Long(1), ParseTime(v[2] ?? throw new FormatException("at is missing.")), new AuditEntry(v[3] ?? string.Empty)
        {
            LineNumber = v[4],
            Contact = v[5],
            Channel = v[6],
            MessageId = v[7],
            Text = v[8],
            TemplateId = v[9],
            TemplateVersion = v[10] is null ? null : Long(10),
            Rule = v[11],
            ClassifierVersion = v[12],
            ProviderMessageId = v[13],
            Signature = v[14],
            PayloadSha256 = v[15],
            Detail = v[16],
        }, v[17] ?? string.Empty, v[18] ?? string.Empty);
    }

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static DateTimeOffset ParseTime(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    private static async Task FlushAsync(MemoryStream buffer, Stream output, CancellationToken ct)
    {
        if (buffer.Length == 0)
        {
            return;
        }

        await output.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), ct);
        await output.FlushAsync(ct);
        buffer.SetLength(0);
    }
}
