using Optline.Storage.Audit;
using Optline.Core.Consent;
using Optline.Storage.Organizations;
using Optline.Storage.Tests.Support;

namespace Optline.Storage.Tests.Database;

/// <summary>The writer commits every waiting event in one transaction, each event still atomic on its own.</summary>
public sealed class GroupCommitTests
{
    [Theory, AllDatabases]
    public async Task Two_hundred_concurrent_events_all_commit_in_fewer_batches_than_events(string provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var before = db.Database.Writer.Stats;

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 200).Select(i =>
            db.Conversations.ContactSendAsync(db.Inbound(Contact(i), "Hello, is this Alice?"))));

        var after = db.Database.Writer.Stats;
        Assert.All(outcomes, o => Assert.Equal(("held", ConsentState.Pending), (o.Status, o.State)));
        Assert.Equal(200, await db.CountAsync("conversations"));
        Assert.Equal(200, await db.CountAsync("messages", "direction = 0"));
        Assert.Equal(200, await db.CountAsync("outbox"));
        Assert.Equal(200, after.Events - before.Events);
        Assert.True(after.Batches - before.Batches < 200, $"{after.Batches - before.Batches} batches for 200 events");
        await AuditRows.AssertChainIntactAsync(db);
    }

    [Theory, AllDatabases]
    public async Task A_failing_event_fails_alone_and_the_rest_of_its_batch_commits(string provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider, writers: 1);
        var gates = await WriterGates.HoldAsync(db.Database);
        var before = db.Database.Writer.Stats;
        var orphanLine = new Line(9999, 9999, "+12015559999", "Nobody", TestDatabase.Start);

        var good = Enumerable.Range(0, 10).Select(i => db.Conversations.ContactSendAsync(db.Inbound(Contact(i), "Hello"))).ToList();
        var noSuchOrganization = db.Conversations.ContactSendAsync(db.Inbound(Contact(50), "Hello", line: orphanLine));
        var constraintViolation = db.Database.WriteAsync(async (context, ct) =>
        {
            await using var insert = context.Command(
                "INSERT INTO processed_inbound (provider, provider_message_id, outcome, processed_at) VALUES ('test', 'twice', '', 0)");
            await insert.ExecuteNonQueryAsync(ct);
            await insert.ExecuteNonQueryAsync(ct);
            return true;
        });
        good.AddRange(Enumerable.Range(10, 10).Select(i => db.Conversations.ContactSendAsync(db.Inbound(Contact(i), "Hello"))));

        gates.OpenFirst();
        await Task.WhenAll(good);
        var after = db.Database.Writer.Stats;
        gates.OpenAll();

        await Assert.ThrowsAsync<InvalidOperationException>(() => noSuchOrganization);
        Assert.IsAssignableFrom<System.Data.Common.DbException>(await Record.ExceptionAsync(() => constraintViolation));
        Assert.Equal(2, after.Batches - before.Batches); // the gate's batch, then the twenty-two events together
        Assert.Equal(21, after.Events - before.Events); // the gate and the twenty that succeeded
        Assert.Equal(20, await db.CountAsync("conversations"));
        Assert.Equal(20, await db.CountAsync("processed_inbound"));
        Assert.Equal(0, await db.CountAsync("conversations", "line_id = 9999"));
        await AuditRows.AssertChainIntactAsync(db);
    }

    [Theory, AllDatabases]
    public async Task An_event_rolled_back_after_writing_to_the_chain_leaves_no_gap_in_it(string provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var gates = await WriterGates.HoldAsync(db.Database);
        var recordsBefore = await db.CountAsync("audit_records");

        var first = db.Conversations.ContactSendAsync(db.Inbound(Contact(1), "Hello"));
        var failsAfterAppending = db.Database.WriteAsync<bool>(async (context, ct) =>
        {
            var chain = await AuditChain.OpenAsync(context, db.Line.OrganizationId, ct);
            await chain.AppendAsync(new AuditEntry("never_committed"), ct);
            throw new InvalidOperationException("fails after appending");
        });
        var last = db.Conversations.ContactSendAsync(db.Inbound(Contact(2), "Hello"));

        gates.OpenAll();
        await Task.WhenAll(first, last);
        await Assert.ThrowsAsync<InvalidOperationException>(() => failsAfterAppending);
        Assert.Equal(0, await db.CountAsync("audit_records", "event = 'never_committed'"));
        Assert.True(await db.CountAsync("audit_records") > recordsBefore);
        await AuditRows.AssertChainIntactAsync(db);
    }

    private static string Contact(int i) => $"+1201555{i:0000}";
}
