using System.Net;
using System.Text.Json;
using PdfSharp.Pdf.IO;

namespace Optline.Server.Tests.Audit;

/// <summary>The attestation record over HTTP: export, verification and a contact's consent proof (PRODUCT.md §8).</summary>
public sealed class AuditApiTests(OptlineTestServer server) : IClassFixture<OptlineTestServer>
{
    [Fact]
    public async Task The_proof_for_a_scripted_conversation_shows_every_text_in_order()
    {
        var line = await server.NewLineAsync("Alex Morgan");
        var contact = server.NewContactNumber();
        await line.Client.SendAsync(line.Number, contact, "Hi, this is Alex from Acme.");
        await server.Carrier.WaitForAsync(contact, 1);
        await server.ContactTextsAsync(contact, line, "YES");
        await line.Client.SettledConversationAsync(line.Number, contact);
        await server.ContactTextsAsync(contact, line, "STOP");
        await line.Client.SettledConversationAsync(line.Number, contact);

        using var response = await server.Admin.GetAsync($"/api/v1/audit/proof?contact={Uri.EscapeDataString(contact)}&format=html");

        await Http.ExpectStatusAsync(response, HttpStatusCode.OK);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        string[] inOrder =
        [
            "Hi, this is Alex from Acme.",
            SeedTexts.LineRequestFor("Alex Morgan"),
            SeedTexts.LinePendingNotice,
            "YES",
            SeedTexts.LineOptedInConfirm,
            SeedTexts.LineOptedInNotice,
            "STOP",
            SeedTexts.OptOutConfirm,
            SeedTexts.OptOutNotice,
        ];
        var position = 0;
        foreach (var text in inOrder)
        {
            var found = html.IndexOf(text, position, StringComparison.Ordinal);
            Assert.True(found >= 0, $"missing, or out of order: {text}");
            position = found + text.Length;
        }

        Assert.Contains("opted_out", html, StringComparison.Ordinal);
        Assert.Contains("verified", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_proof_is_also_a_pdf()
    {
        var line = await server.NewLineAsync("Alex Morgan");
        var contact = server.NewContactNumber();
        await server.OptInOverSmsAsync(line, contact);

        using var response = await server.Admin.GetAsync($"/api/v1/audit/proof?contact={Uri.EscapeDataString(contact)}&format=pdf");

        await Http.ExpectStatusAsync(response, HttpStatusCode.OK);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        using var pdf = PdfReader.Open(await response.Content.ReadAsStreamAsync(), PdfDocumentOpenMode.Import);
        Assert.True(pdf.PageCount >= 1);
    }

    [Fact]
    public async Task Verify_reports_ok_with_the_record_count()
    {
        var line = await server.NewLineAsync();
        await server.OptInOverSmsAsync(line, server.NewContactNumber());

        using var response = await server.Admin.GetAsync("/api/v1/audit/verify");

        await Http.ExpectStatusAsync(response, HttpStatusCode.OK);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(body.RootElement.GetProperty("ok").GetBoolean());
        Assert.True(body.RootElement.GetProperty("records").GetInt64() > 5);
        Assert.Equal(JsonValueKind.Null, body.RootElement.GetProperty("firstBadSeq").ValueKind);
    }

    [Fact]
    public async Task The_export_filters_by_contact_and_event_as_json_lines_and_csv()
    {
        var line = await server.NewLineAsync();
        var contact = server.NewContactNumber();
        await server.OptInOverSmsAsync(line, contact);

        using var jsonl = await server.Admin.GetAsync($"/api/v1/audit?format=jsonl&contact={Uri.EscapeDataString(contact)}&event=consent_opted_in");
        using var csv = await server.Admin.GetAsync($"/api/v1/audit?format=csv&contact={Uri.EscapeDataString(contact)}");

        await Http.ExpectStatusAsync(jsonl, HttpStatusCode.OK);
        var lines = (await jsonl.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("\"wholeChain\":false", lines[0], StringComparison.Ordinal);
        var record = Assert.Single(lines.Skip(1));
        Assert.Contains("\"event\":\"consent_opted_in\"", record, StringComparison.Ordinal);
        Assert.Contains(contact, record, StringComparison.Ordinal);
        await Http.ExpectStatusAsync(csv, HttpStatusCode.OK);
        Assert.StartsWith("organizationId,seq,at,event,", await csv.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_line_key_cannot_read_the_attestation_record()
    {
        var line = await server.NewLineAsync();

        using var response = await line.Client.GetAsync("/api/v1/audit/verify");

        await Http.ProblemAsync(response, HttpStatusCode.Forbidden, "forbidden");
    }
}
