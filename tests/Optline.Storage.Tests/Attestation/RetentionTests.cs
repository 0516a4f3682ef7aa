using Optline.Storage.Audit;
using Optline.Storage.Tests.Support;

namespace Optline.Storage.Tests.Attestation;

/// <summary>
/// PRODUCT.md §8 retention: kept forever by default; a retention period removes only a whole oldest prefix and
/// leaves a checkpoint so the rest still verifies; a legal hold stops any removal.
/// </summary>
public sealed class RetentionTests
{
    [Theory, AllDatabases]
    public async Task Retention_removes_the_oldest_prefix_and_the_rest_still_verifies_from_the_checkpoint(string provider)
    {
        await using var db = await TamperDetectionTests.ScriptedConversationAsync(provider);
        var old = await db.CountAsync("audit_records");
        db.Time.Advance(TimeSpan.FromDays(40));
        await db.Conversations.ContactSendAsync(db.Inbound("+12015550124", "A newer conversation"));
        var recent = await db.CountAsync("audit_records") - old;

        var result = await new AuditRetention(db.Database).ApplyAsync(db.OrganizationId, TimeSpan.FromDays(30), legalHold: false);

        Assert.Equal(old, result.Removed);
        Assert.Equal(old, result.Checkpoint!.Seq);
        Assert.Equal(recent + 1, await db.CountAsync("audit_records"));
        var verification = await new AuditQueries(db.Database).VerifyAsync(db.OrganizationId);
        Assert.True(verification.Ok, verification.Reason);
        var offline = await ExportTests.VerifyFileAsync(await ExportTests.ExportAsync(db, csv: false));
        Assert.True(offline.Ok, offline.Reason);
        Assert.Equal(verification.HeadHash, offline.HeadHash);
    }

    [Theory, AllDatabases]
    public async Task A_legal_hold_removes_nothing(string provider)
    {
        await using var db = await TamperDetectionTests.ScriptedConversationAsync(provider);
        var before = await db.CountAsync("audit_records");
        db.Time.Advance(TimeSpan.FromDays(400));

        var result = await new AuditRetention(db.Database).ApplyAsync(db.OrganizationId, TimeSpan.FromDays(30), legalHold: true);

        Assert.Equal(0, result.Removed);
        Assert.NotNull(result.Refusal);
        Assert.Equal(before, await db.CountAsync("audit_records"));
    }

    [Theory, AllDatabases]
    public async Task Records_younger_than_the_period_are_kept(string provider)
    {
        await using var db = await TamperDetectionTests.ScriptedConversationAsync(provider);
        var before = await db.CountAsync("audit_records");

        var result = await new AuditRetention(db.Database).ApplyAsync(db.OrganizationId, TimeSpan.FromDays(30), legalHold: false);

        Assert.Equal(0, result.Removed);
        Assert.Equal(before, await db.CountAsync("audit_records"));
    }

    [Theory, AllDatabases]
    public async Task Removing_a_record_after_the_checkpoint_is_still_found(string provider)
    {
        await using var db = await TamperDetectionTests.ScriptedConversationAsync(provider);
        db.Time.Advance(TimeSpan.FromDays(40));
        await db.Conversations.ContactSendAsync(db.Inbound("+12015550124", "A newer conversation"));
        var result = await new AuditRetention(db.Database).ApplyAsync(db.OrganizationId, TimeSpan.FromDays(30), legalHold: false);
        var firstKept = result.Checkpoint!.Seq + 1;
        await db.ExecuteAsync("DELETE FROM audit_records WHERE seq = @seq", ("@seq", firstKept));

        var verification = await new AuditQueries(db.Database).VerifyAsync(db.OrganizationId);

        Assert.Equal((false, firstKept), (verification.Ok, verification.FirstBadSeq));
    }
}
