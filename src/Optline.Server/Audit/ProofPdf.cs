using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace Optline.Server.Audit;

/// <summary>The consent proof as a PDF (A4, wrapped text, new pages as needed) for a compliance officer to file or hand over.</summary>
public static class ProofPdf
{
    private const double Margin = 40;

    public static byte[] Render(ConsentProof proof)
    {
        EmbeddedFonts.Install();
        using var document = new PdfDocument();
        document.Info.Title = $"Consent proof — {proof.Contact}";
        var writer = new PageWriter(document);
        writer.Heading("Consent proof");
        writer.Line($"Organization: {proof.OrganizationName}");
        writer.Line($"Contact: {proof.Contact}");
        writer.Line($"Generated: {ProofHtml.Time(proof.GeneratedAt)} UTC");
        writer.Space();
        writer.Heading("Current consent");
        foreach (var c in proof.Conversations)
        {
            writer.Line($"{c.LineNumber} ({c.LineDisplayName}), {Core.Consent.VocabularyNames.Name(c.Channel)}: {Core.Consent.VocabularyNames.Name(c.State)}" +
                (c.Since is { } since ? $" since {ProofHtml.Time(since)} UTC" : string.Empty));
        }

        writer.Space();
        writer.Heading("Record");
        foreach (var r in proof.Essential)
        {
            writer.Bold($"#{r.Seq}  {ProofHtml.Time(r.At)} UTC  {r.Entry.LineNumber} {r.Entry.Channel}  {ConsentProof.Describe(r)}");
            if (!string.IsNullOrEmpty(r.Entry.Text))
            {
                writer.Line($"\u201C{r.Entry.Text}\u201D", indent: 12);
            }

            writer.Line(ProofHtml.Details(r), indent: 12, small: true);
        }

        writer.Space();
        writer.Heading("Integrity");
        writer.Line(proof.Chain.Ok
            ? $"The organization's whole chain verified when this proof was made: {proof.Chain.Records} records, head hash {proof.Chain.HeadHash}."
            : $"The chain did NOT verify when this proof was made: first bad record {proof.Chain.FirstBadSeq} ({proof.Chain.Reason}).");
        if (proof.Records.Count > 0)
        {
            writer.Line($"Records in this proof run from seq {proof.Records[0].Seq} (hash {proof.Records[0].Hash}) to seq {proof.Records[^1].Seq} (hash {proof.Records[^1].Hash}).");
        }

        writer.Space();
        writer.Heading("How to verify");
        writer.Line("1. Export the whole chain: GET /api/v1/audit?format=jsonl (or Optline.Server audit export).");
        writer.Line("2. Verify it offline: Optline.Server audit verify --file export.jsonl. It recomputes every record's SHA-256 over its canonical encoding and the previous hash.");
        writer.Line("3. Find each sequence number of this proof in the export; its hash must equal the one there, and the export's head hash the one above.");
        writer.Finish();

        using var output = new MemoryStream();
        document.Save(output);
        return output.ToArray();
    }

    /// <summary>Writes wrapped lines top to bottom, starting a new page when one is full.</summary>
    private sealed class PageWriter
    {
        private readonly PdfDocument _document;
        private readonly XFont _regular = new(EmbeddedFonts.Family, 9.5, XFontStyleEx.Regular);
        private readonly XFont _small = new(EmbeddedFonts.Family, 7.5, XFontStyleEx.Regular);
        private readonly XFont _bold = new(EmbeddedFonts.Family, 9.5, XFontStyleEx.Bold);
        private readonly XFont _heading = new(EmbeddedFonts.Family, 14, XFontStyleEx.Bold);
        private XGraphics _graphics = null!;
        private PdfPage _page = null!;
        private double _y;

        public PageWriter(PdfDocument document)
        {
            _document = document;
            NewPage();
        }

        public void Heading(string text) => Write(text, _heading, 0);

        public void Bold(string text) => Write(text, _bold, 0);

        public void Line(string text, double indent = 0, bool small = false) => Write(text, small ? _small : _regular, indent);

        public void Space() => _y += 8;

        public void Finish() => _graphics.Dispose();

        private void Write(string text, XFont font, double indent)
        {
            var width = _page.Width.Point - (2 * Margin) - indent;
            var height = font.GetHeight() * 1.15;
            foreach (var line in Wrap(text.Replace('\r', ' ').Replace('\n', ' '), font, width))
            {
                if (_y + height > _page.Height.Point - Margin)
                {
                    _graphics.Dispose();
                    NewPage();
                }

                _graphics.DrawString(line, font, XBrushes.Black, new XPoint(Margin + indent, _y + font.GetHeight()));
                _y += height;
            }
        }

        private IEnumerable<string> Wrap(string text, XFont font, double width)
        {
            var current = string.Empty;
            foreach (var word in text.Split(' '))
            {
                var candidate = current.Length == 0 ? word : current + " " + word;
                if (_graphics.MeasureString(candidate, font).Width <= width)
                {
                    current = candidate;
                    continue;
                }

                if (current.Length > 0)
                {
                    yield return current;
                }

                current = word;
                while (current.Length > 1 && _graphics.MeasureString(current, font).Width > width)
                {
                    var fit = current.Length - 1;
                    while (fit > 1 && _graphics.MeasureString(current[..fit], font).Width > width)
                    {
                        fit--;
                    }

                    yield return current[..fit];
                    current = current[fit..];
                }
            }

            if (current.Length > 0)
            {
                yield return current;
            }
        }

        private void NewPage()
        {
            _page = _document.AddPage();
            _page.Size = PdfSharp.PageSize.A4;
            _graphics = XGraphics.FromPdfPage(_page);
            _y = Margin;
        }
    }
}
