using System.Text;
using Optline.Storage.Audit;
using Optline.Storage.Tests.Support;

namespace Optline.Storage.Tests.Attestation;

/// <summary>Exports as JSON Lines and CSV verify offline, with no database; a tampered export is found.</summary>
public sealed class ExportTests
{
    [Theory, AllDatabases]
    public async Task A_json_lines_export_verifies_offline_with_the_same_head_hash(string provider)
    {
        await using var db = await TamperDetectionTests.ScriptedConversationAsync(provider);
        var queries = new AuditQueries(db.Database);
        var online = await queries.VerifyAsync(db.OrganizationId);

        var file = await ExportAsync(db, csv: false);
        var offline = await VerifyFileAsync(file);

        Assert.True(offline.Ok, offline.Reason);
        Assert.Equal((online.Records, online.HeadHash), (offline.Records, offline.HeadHash));
    }

    [Theory, AllDatabases]
    public async Task A_csv_export_verifies_offline_with_the_same_head_hash(string provider)
    {
        await using var db = await TamperDetectionTests.ScriptedConversationAsync(provider);
        await db.Conversations.ContactSendAsync(db.Inbound("+12015550124", "Line one,\n\"quoted\" line two\r\nand ünïcödé 👍"));
        var online = await new AuditQueries(db.Database).VerifyAsync(db.OrganizationId);

        var offline = await VerifyFileAsync(await ExportAsync(db, csv: true));

        Assert.True(offline.Ok, offline.Reason);
        Assert.Equal((online.Records, online.HeadHash), (offline.Records, offline.HeadHash));
    }

    [Theory]
    [InlineData("\"text\":\"YES\"", "\"text\":\"NO\"")]
    [InlineData("\"event\":\"consent_opted_out\"", "\"event\":\"consent_opted_in\"")]
    public async Task An_edited_json_lines_export_is_found(string from, string to)
    {
        await using var db = await TamperDetectionTests.ScriptedConversationAsync(TestDatabase.Sqlite);
        var file = await ExportAsync(db, csv: false);
        var lines = file.Split('\n').ToList();
        var index = lines.FindIndex(l => l.Contains(from, StringComparison.Ordinal));
        lines[index] = lines[index].Replace(from, to, StringComparison.Ordinal);

        var result = await VerifyFileAsync(string.Join('\n', lines));

        Assert.False(result.Ok);
        Assert.Equal(index, result.FirstBadSeq);
    }

    [Fact]
    public async Task A_line_removed_from_an_export_is_found_at_its_sequence_number()
    {
        await using var db = await TamperDetectionTests.ScriptedConversationAsync(TestDatabase.Sqlite);
        var lines = (await ExportAsync(db, csv: false)).Split('\n').ToList();
        lines.RemoveAt(5);

        var result = await VerifyFileAsync(string.Join('\n', lines));

        Assert.Equal((false, 5L), (result.Ok, result.FirstBadSeq));
    }

    [Fact]
    public async Task Two_lines_swapped_in_an_export_are_found_at_the_first()
    {
        await using var db = await TamperDetectionTests.ScriptedConversationAsync(TestDatabase.Sqlite);
        var lines = (await ExportAsync(db, csv: false)).Split('\n').ToList();
        (lines[7], lines[8]) = (lines[8], lines[7]);

        var result = await VerifyFileAsync(string.Join('\n', lines));

        Assert.Equal((false, 7L), (result.Ok, result.FirstBadSeq));
    }

    [Fact]
    public async Task A_filtered_export_says_it_is_not_the_whole_chain()
    {
        await using var db = await TamperDetectionTests.ScriptedConversationAsync(TestDatabase.Sqlite);
        using var output = new MemoryStream();
        var filter = new AuditFilter(Event: "consent_opted_in");
        await AuditExport.WriteJsonLinesAsync(new AuditQueries(db.Database).StreamAsync(db.OrganizationId, filter), output, db.OrganizationId, filter.IsWholeChain, null, default);

        var (records, _, wholeChain) = await AuditExport.ReadAsync(new StringReader(Encoding.UTF8.GetString(output.ToArray())), default);

        Assert.False(wholeChain);
        Assert.All(await records.ToListAsync(), r => Assert.Equal("consent_opted_in", r.Entry.Event));
    }

    internal static async Task<string> ExportAsync(TestDatabase db, bool csv)
    {
        var queries = new AuditQueries(db.Database);
        using var output = new MemoryStream();
        var records = queries.StreamAsync(db.OrganizationId, new AuditFilter());
        if (csv)
        {
            await AuditExport.WriteCsvAsync(records, output, default);
        }
        else
        {
            await AuditExport.WriteJsonLinesAsync(records, output, db.OrganizationId, true, await queries.CheckpointAsync(db.OrganizationId), default);
        }

        return Encoding.UTF8.GetString(output.ToArray());
    }

    internal static async Task<AuditVerification> VerifyFileAsync(string file)
    {
        var (records, checkpoint, _) = await AuditExport.ReadAsync(new StringReader(file), default);
        return await AuditVerifier.VerifyAsync(records, checkpoint);
    }
}
