using Optline.Core.Consent;
using Optline.Storage.Audit;
using Optline.Storage.Conversations;

namespace Optline.Server.Consents;

/// <summary>The consent registry as CSV, the same from the API and the command line.</summary>
public static class RegistryCsv
{
    public const string Header = "line,displayName,contact,channel,state,since,optOutSource";

    public static async Task WriteAsync(IAsyncEnumerable<RegistryEntry> entries, Stream output, CancellationToken ct)
    {
        await using var writer = new StreamWriter(output, new System.Text.UTF8Encoding(false), 64 * 1024, leaveOpen: true) { NewLine = "\r\n" };
        await writer.WriteLineAsync(Header);
        await foreach (var e in entries.WithCancellation(ct))
        {
            await writer.WriteLineAsync(string.Join(',', new[] { e.LineNumber, e.LineDisplayName, e.Contact, e.Channel.Name(), e.State.Name(), e.Since?.ToString("O"), e.OptOutSource?.Name() }
                .Select(v => Csv.QuoteForSpreadsheet(v ?? string.Empty))));
        }
    }
}
