using System.Globalization;
using System.Net;
using System.Text;

namespace Optline.Server.Audit;

/// <summary>The consent proof as a printable HTML page; every value is HTML-encoded.</summary>
public static class ProofHtml
{
    public static string Render(ConsentProof proof)
    {
        var html = new StringBuilder();
        html.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        html.Append("<title>Consent proof — ").Append(E(proof.Contact)).Append("</title><style>");
        html.Append("body{font-family:system-ui,sans-serif;margin:2rem;color:#111}table{border-collapse:collapse;width:100%;font-size:.9rem}");
        html.Append("th,td{border:1px solid #999;padding:.3rem .4rem;text-align:left;vertical-align:top}th{background:#eee}");
        html.Append("code{font-size:.8rem;word-break:break-all}.ok{color:#064}.bad{color:#900}@media print{body{margin:0}}</style></head><body>");
        html.Append("<h1>Consent proof</h1>");
        html.Append("<p><strong>Organization:</strong> ").Append(E(proof.OrganizationName)).Append("<br><strong>Contact:</strong> ").Append(E(proof.Contact));
        html.Append("<br><strong>Generated:</strong> ").Append(Time(proof.GeneratedAt)).Append(" UTC</p>");

        html.Append("<h2>Current consent</h2><table><thead><tr><th>Line</th><th>Display name</th><th>Channel</th><th>State</th><th>Since (UTC)</th></tr></thead><tbody>");
        foreach (var c in proof.Conversations)
        {
            html.Append("<tr><td>").Append(E(c.LineNumber)).Append("</td><td>").Append(E(c.LineDisplayName)).Append("</td><td>").Append(E(Core.Consent.VocabularyNames.Name(c.Channel)))
                .Append("</td><td>").Append(E(Core.Consent.VocabularyNames.Name(c.State))).Append("</td><td>").Append(c.Since is { } since ? Time(since) : "—").Append("</td></tr>");
        }

        html.Append("</tbody></table><h2>Record</h2><table><thead><tr><th>Seq</th><th>Time (UTC)</th><th>Line</th><th>Channel</th><th>What</th><th>Exact text</th><th>Details</th></tr></thead><tbody>");
        foreach (var r in proof.Essential)
        {
            var e = r.Entry;
            html.Append("<tr><td>").Append(r.Seq).Append("</td><td>").Append(Time(r.At)).Append("</td><td>").Append(E(e.LineNumber)).Append("</td><td>").Append(E(e.Channel))
                .Append("</td><td>").Append(E(ConsentProof.Describe(r))).Append("</td><td>").Append(E(e.Text)).Append("</td><td>").Append(E(Details(r))).Append("</td></tr>");
        }

        html.Append("</tbody></table><h2>Integrity</h2>");
        html.Append(proof.Chain.Ok
            ? $"<p class=\"ok\">The organization's whole chain verified when this proof was made: {proof.Chain.Records} records, head hash <code>{E(proof.Chain.HeadHash)}</code>.</p>"
            : $"<p class=\"bad\">The chain did NOT verify when this proof was made: first bad record {proof.Chain.FirstBadSeq} ({E(proof.Chain.Reason)}).</p>");
        if (proof.Records.Count > 0)
        {
            html.Append("<p>Records in this proof run from seq ").Append(proof.Records[0].Seq).Append(" (hash <code>").Append(E(proof.Records[0].Hash))
                .Append("</code>) to seq ").Append(proof.Records[^1].Seq).Append(" (hash <code>").Append(E(proof.Records[^1].Hash)).Append("</code>).</p>");
        }

        html.Append("<h2>How to verify</h2><ol><li>Export the whole chain: <code>GET /api/v1/audit?format=jsonl</code> (or <code>Optline.Server audit export</code>).</li>");
        html.Append("<li>Verify it offline: <code>Optline.Server audit verify --file export.jsonl</code>. It recomputes every record's SHA-256 over its canonical encoding and the previous hash.</li>");
        html.Append("<li>Find each sequence number of this proof in the export; its hash must equal the one there, and the export's head hash the one above.</li></ol>");
        html.Append("</body></html>");
        return html.ToString();
    }

    public static string Details(Storage.Audit.AuditRecord r)
    {
        var e = r.Entry;
        var parts = new List<string>();
        if (e.TemplateId is not null)
        {
            parts.Add(e.TemplateVersion is { } version ? $"template {e.TemplateId} v{version}" : $"template {e.TemplateId}");
        }

        if (e.Rule is not null)
        {
            parts.Add($"rule {e.Rule}" + (e.ClassifierVersion is null ? string.Empty : $" ({e.ClassifierVersion})"));
        }

        if (e.ProviderMessageId is not null)
        {
            parts.Add($"provider id {e.ProviderMessageId}");
        }

        if (e.Signature is not null)
        {
            parts.Add($"signature {e.Signature}");
        }

        if (e.Detail is not null && e.Event is not "settings_changed")
        {
            parts.Add(e.Detail);
        }

        parts.Add($"hash {r.Hash[..16]}…");
        return string.Join("; ", parts);
    }

    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture);

    private static string E(string? text) => WebUtility.HtmlEncode(text ?? string.Empty);
}
