using Optline.Core.Consent;
using Optline.Storage.Audit;
using Optline.Storage.Tests.Support;

namespace Optline.Storage.Tests.Audit;

/// <summary>The attestation record is one hash chain per organization (PRODUCT.md §8).</summary>
public sealed class AuditChainTests
{
    private const string Contact = "+12015550123";

    [Theory, AllDatabases]
    public async Task Records_are_numbered_without_gaps_and_each_hash_recomputes_from_its_row(string provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await db.OptInAsync(Contact);
        await db.Organizations.UpdateSettingsAsync(db.OrganizationId, (s, _) => s with { MaxRequests = 2 }, "admin");
        await db.Conversations.ContactSendAsync(db.Inbound(Contact, "STOP"));

        var records = await AuditRows.AssertChainIntactAsync(db);

        Assert.Equal(AuditHash.Genesis, records[0].PrevHash);
        Assert.Equal("organization_created", records[0].Entry.Event);
        Assert.Contains(records, r => r.Entry.Event == "consent_opted_in" && r.Entry.Contact == Contact && r.Entry.Channel == "sms");
        Assert.Contains(records, r => r.Entry.Event == "consent_opted_out" && r.Entry.Text == "STOP");
    }

    [Theory, AllDatabases]
    public async Task Each_organization_has_its_own_chain(string provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var other = await db.Organizations.CreateOrganizationAsync("Other Firm", null);
        var otherLine = (await db.Organizations.CreateLineAsync(other, "+12015550200", "Bob"))!.Value.Line;

        await Task.WhenAll(
            db.OptInAsync(Contact),
            db.OptInAsync(Contact, otherLine),
            db.Conversations.ContactSendAsync(db.Inbound("+12015550124", "Hi", line: otherLine)));

        await AuditRows.AssertChainIntactAsync(db);
        var otherRecords = await AuditRows.AssertChainIntactAsync(db, other);
        Assert.All(otherRecords.Skip(1), r => Assert.True(r.Entry.LineNumber is null or "+12015550200", r.Entry.Event));
    }

    [Theory, AllDatabases]
    public async Task A_changed_row_no_longer_reproduces_its_hash(string provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await db.Conversations.LineSendAsync(db.Line, Contact, Channel.Sms, "Hello", "test");
        await db.ExecuteAsync("UPDATE audit_records SET text = 'Goodbye' WHERE text = 'Hello' AND event = 'line_message'");

        var records = await AuditRows.ReadAsync(db);

        var changed = Assert.Single(records, r => r.Entry.Text == "Goodbye");
        Assert.NotEqual(AuditHash.Compute(changed.OrganizationId, changed.Seq, changed.At, changed.Entry, changed.PrevHash), changed.Hash);
    }
}
