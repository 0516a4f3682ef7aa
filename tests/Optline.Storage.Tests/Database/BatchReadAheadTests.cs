using Optline.Core.Consent;
using Optline.Storage.Audit;
using Optline.Storage.Tests.Support;

namespace Optline.Storage.Tests.Database;

/// <summary>
/// A batch's events run together, and on PostgreSQL their conversations, claims and held messages are read ahead in
/// one round trip: every event must still see what the events before it in the batch did.
/// </summary>
public sealed class BatchReadAheadTests
{
    private const string Alice = "+12015550123";
    private const string Bob = "+12015550124";
    private const string Carol = "+12015550125";

    [Theory, AllDatabases]
    public async Task Events_of_one_conversation_in_one_batch_each_see_the_one_before(string provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider, writers: 1);
        var gates = await WriterGates.HoldAsync(db.Database);
        var before = db.Database.Writer.Stats;

        var bob = db.Conversations.ContactSendAsync(db.Inbound(Bob, "Hello"));
        var hello = db.Conversations.ContactSendAsync(db.Inbound(Alice, "Hello, is this Alice?"));
        var yes = db.Conversations.ContactSendAsync(db.Inbound(Alice, "YES"));
        var after = db.Conversations.ContactSendAsync(db.Inbound(Alice, "See you at 3"));
        var carol = db.Conversations.ContactSendAsync(db.Inbound(Carol, "Hello"));
        gates.OpenFirst();
        var outcomes = await Task.WhenAll(bob, hello, yes, after, carol);
        var stats = db.Database.Writer.Stats;
        gates.OpenAll();

        Assert.Equal(2, stats.Batches - before.Batches); // the gate's, then the five events together
        Assert.Equal(
            [ConsentState.Pending, ConsentState.Pending, ConsentState.OptedIn, ConsentState.OptedIn, ConsentState.Pending],
            outcomes.Select(o => o.State));
        Assert.Equal("held", outcomes[1].Status);
        Assert.Equal("delivered", outcomes[3].Status);
        Assert.Equal(0, await db.CountAsync("messages", "status = 'held' AND conversation_id = @id", ("@id", (await db.ConversationAsync(Alice)).Id)));
        Assert.Equal(3, await db.CountAsync("messages", "template_id = 'contact_request'")); // one opt-in request to each contact
        await AuditRows.AssertChainIntactAsync(db);
    }

    [Theory, AllDatabases]
    public async Task Messages_held_before_the_batch_are_released_by_a_yes_inside_it(string provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider, writers: 1);
        await db.Conversations.LineSendAsync(db.Line, Alice, Channel.Sms, "Your statement is ready", "test");
        await db.Conversations.LineSendAsync(db.Line, Alice, Channel.Sms, "Call me when you can", "test");
        Assert.Equal(2, await db.CountAsync("messages", "status = 'held'"));
        var gates = await WriterGates.HoldAsync(db.Database);

        var bob = db.Conversations.ContactSendAsync(db.Inbound(Bob, "Hello"));
        var yes = db.Conversations.ContactSendAsync(db.Inbound(Alice, "YES"));
        var carol = db.Conversations.ContactSendAsync(db.Inbound(Carol, "Hello"));
        gates.OpenAll();
        var outcomes = await Task.WhenAll(bob, yes, carol);

        Assert.Equal(ConsentState.OptedIn, outcomes[1].State);
        var timeline = await db.TimelineAsync(Alice);
        Assert.Equal(["queued", "queued"], timeline.Where(m => m.Body is "Your statement is ready" or "Call me when you can").Select(m => m.Status));
        Assert.Equal(0, await db.CountAsync("messages", "status = 'held' AND conversation_id = @id", ("@id", (await db.ConversationAsync(Alice)).Id)));
        await AuditRows.AssertChainIntactAsync(db);
    }

    [Theory, AllDatabases]
    public async Task A_provider_id_delivered_twice_in_one_batch_is_processed_once(string provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider, writers: 1);
        await db.OptInAsync(Alice);
        var gates = await WriterGates.HoldAsync(db.Database);
        var messages = await db.CountAsync("messages");

        var first = db.Conversations.ContactSendAsync(db.Inbound(Alice, "Can you call me back?", "SM-twice"));
        var bob = db.Conversations.ContactSendAsync(db.Inbound(Bob, "Hello"));
        var second = db.Conversations.ContactSendAsync(db.Inbound(Alice, "Can you call me back?", "SM-twice"));
        gates.OpenAll();
        var outcomes = await Task.WhenAll(first, bob, second);

        Assert.False(outcomes[0].Duplicate);
        Assert.Equal(outcomes[0] with { Duplicate = true }, outcomes[2]);
        Assert.Equal(1, await db.CountAsync("messages", "provider_message_id = 'SM-twice'"));
        Assert.Equal(messages + 1 + 3, await db.CountAsync("messages")); // Alice's message; Bob's, his opt-in request and the notice to the line
    }

    [Theory, AllDatabases]
    public async Task New_conversations_and_a_redelivery_in_one_batch_start_as_they_would_alone(string provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider, writers: 1);
        await db.Organizations.UpdateSettingsAsync(db.OrganizationId, (s, _) => s with { OptOutScope = "organization" }, "admin");
        var second = await db.AddLineAsync("+12015550200", "Bob Stone");
        await db.OptInAsync(Alice);
        await db.Conversations.ContactSendAsync(db.Inbound(Alice, "STOP"));
        var first = await db.Conversations.ContactSendAsync(db.Inbound(Carol, "Hello", "SM-earlier"));
        var gates = await WriterGates.HoldAsync(db.Database);
        var conversations = await db.CountAsync("conversations");

        var aliceOnSecondLine = db.Conversations.LineSendAsync(second, Alice, Channel.Sms, "Hello from Bob's line", "test");
        var bob = db.Conversations.ContactSendAsync(db.Inbound(Bob, "Hello"));
        var redelivery = db.Conversations.ContactSendAsync(db.Inbound(Carol, "Hello", "SM-earlier"));
        gates.OpenAll();
        var outcomes = await Task.WhenAll(aliceOnSecondLine, bob, redelivery);

        // Alice opted out across the organization: her new conversation on the second line starts opted out, and asks nothing.
        var aliceRow = await db.ConversationAsync(Alice, second);
        Assert.Equal((ConsentState.OptedOut, OptOutSource.Scope), (aliceRow.State.State, aliceRow.State.OptOut?.Source));
        Assert.Equal(("blocked", ConsentState.OptedOut), (outcomes[0].Status, outcomes[0].State));
        Assert.Equal(0, await db.CountAsync("messages", "template_id IN ('line_request', 'contact_request') AND conversation_id = @id", ("@id", aliceRow.Id)));
        Assert.Equal(("held", ConsentState.Pending), (outcomes[1].Status, outcomes[1].State));
        Assert.Equal(first with { Duplicate = true }, outcomes[2]);
        Assert.Equal(conversations + 2, await db.CountAsync("conversations"));
        await AuditRows.AssertChainIntactAsync(db);
    }

    [Theory, AllDatabases]
    public async Task A_write_that_fails_only_when_the_batch_commits_fails_alone(string provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider, writers: 1);
        var gates = await WriterGates.HoldAsync(db.Database);

        var bob = db.Conversations.ContactSendAsync(db.Inbound(Bob, "Hello"));
        var failsLate = db.Database.WriteAsync(async (context, ct) =>
        {
            await using var insert = context.Command(
                "INSERT INTO processed_inbound (provider, provider_message_id, outcome, processed_at) VALUES ('test', 'late', '', 0)");
            await insert.ExecuteLaterAsync(ct);
            await using var again = context.Command(
                "INSERT INTO processed_inbound (provider, provider_message_id, outcome, processed_at) VALUES ('test', 'late', '', 0)");
            await again.ExecuteLaterAsync(ct);
            return true;
        });
        var carol = db.Conversations.ContactSendAsync(db.Inbound(Carol, "Hello"));
        gates.OpenAll();
        var outcomes = await Task.WhenAll(bob, carol);

        Assert.IsAssignableFrom<System.Data.Common.DbException>(await Record.ExceptionAsync(() => failsLate));
        Assert.All(outcomes, o => Assert.Equal(ConsentState.Pending, o.State));
        Assert.Equal(0, await db.CountAsync("processed_inbound", "provider = 'test'"));
        Assert.Equal(2, await db.CountAsync("conversations"));
        await AuditRows.AssertChainIntactAsync(db);
    }

    [PostgresFact]
    public async Task A_conversation_whose_lock_had_to_wait_is_read_with_what_the_other_transaction_held()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Postgres);
        await db.Conversations.LineSendAsync(db.Line, Alice, Channel.Sms, "Your statement is ready", "test");
        var conversation = await db.ConversationAsync(Alice);

        // Another node's transaction holds the row and holds one more message when it commits.
        await using var other = db.Database.Dialect.CreateConnection();
        await other.OpenAsync();
        await using var transaction = await other.BeginTransactionAsync();
        await ExecuteAsync(other, transaction, $"SELECT id FROM conversations WHERE id = {conversation.Id} FOR UPDATE");
        await ExecuteAsync(other, transaction,
            "INSERT INTO messages (id, conversation_id, kind, direction, body, status, as_whatsapp_template, created_at, updated_at) " +
            $"SELECT gen_random_uuid(), conversation_id, kind, direction, 'Written while locked', status, 0, created_at, updated_at FROM messages WHERE conversation_id = {conversation.Id} AND status = 'held'");

        var yes = db.Conversations.ContactSendAsync(db.Inbound(Alice, "YES"));
        await WaitUntilBlockedOnALockAsync(db);
        await transaction.CommitAsync();
        var outcome = await yes;

        Assert.Equal(ConsentState.OptedIn, outcome.State);
        Assert.Equal(0, await db.CountAsync("messages", "status = 'held'"));
        Assert.Equal(["queued", "queued"], (await db.TimelineAsync(Alice)).Where(m => m.Body is "Your statement is ready" or "Written while locked").Select(m => m.Status));
    }

    [Fact]
    public async Task A_chain_head_moved_by_another_node_after_the_batch_read_it_is_read_again_and_the_chain_stays_whole()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Postgres);
        await db.Conversations.LineSendAsync(db.Line, Alice, Channel.Sms, "Your statement is ready", "test");
        var head = (await AuditRows.AssertChainIntactAsync(db))[^1];

        var outcome = await WhileAnotherNodeAppendsAsync(db, "written by the other node", () => db.Conversations.ContactSendAsync(db.Inbound(Alice, "YES")));

        Assert.Equal(ConsentState.OptedIn, outcome.State);
        Assert.Equal(1, db.Database.Writer.BatchesRunAgain);
        var records = await AuditRows.AssertChainIntactAsync(db);
        Assert.Equal("written by the other node", records[(int)head.Seq].Entry.Detail);
        Assert.Contains(records.Skip((int)head.Seq + 1), r => r.Entry.Event == "consent_opted_in");
    }

    [Fact]
    public async Task After_a_moved_chain_head_batches_lock_the_head_for_ten_seconds_instead_of_running_twice()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Postgres);
        await db.Conversations.LineSendAsync(db.Line, Alice, Channel.Sms, "Your statement is ready", "test");
        await WhileAnotherNodeAppendsAsync(db, "first", () => db.Conversations.ContactSendAsync(db.Inbound(Alice, "YES")));
        Assert.Equal(1, db.Database.Writer.BatchesRunAgain);

        // Within ten seconds the batch waits for the other node's head instead of reading it ahead.
        db.Time.Advance(TimeSpan.FromSeconds(9));
        await WhileAnotherNodeAppendsAsync(db, "second", () => db.Conversations.ContactSendAsync(db.Inbound(Bob, "Hello")));
        Assert.Equal(1, db.Database.Writer.BatchesRunAgain);

        // Later it reads ahead again.
        db.Time.Advance(TimeSpan.FromSeconds(2));
        await WhileAnotherNodeAppendsAsync(db, "third", () => db.Conversations.ContactSendAsync(db.Inbound(Carol, "Hello")));
        Assert.Equal(2, db.Database.Writer.BatchesRunAgain);
        Assert.Equal(["first", "second", "third"], (await AuditRows.AssertChainIntactAsync(db)).Where(r => r.Entry.Event == "audit_note").Select(r => r.Entry.Detail));
    }

    /// <summary>
    /// Another node's transaction appends a record to the chain and moves its head, and commits only once the event
    /// sent meanwhile waits for it; then the event's outcome.
    /// </summary>
    private static async Task<T> WhileAnotherNodeAppendsAsync<T>(TestDatabase db, string note, Func<Task<T>> send)
    {
        var head = (await AuditRows.AssertChainIntactAsync(db))[^1];
        var at = TestDatabase.Start;
        var hash = AuditHash.Compute(db.OrganizationId, head.Seq + 1, at, new AuditEntry("audit_note") { Detail = note }, head.Hash);
        await using var other = db.Database.Dialect.CreateConnection();
        await other.OpenAsync();
        await using var transaction = await other.BeginTransactionAsync();
        await ExecuteAsync(other, transaction,
            "INSERT INTO audit_records (organization_id, seq, at, event, detail, prev_hash, hash) " +
            $"VALUES ({db.OrganizationId}, {head.Seq + 1}, {at.ToUnixTimeMilliseconds()}, 'audit_note', '{note}', '{head.Hash}', '{hash}')");
        await ExecuteAsync(other, transaction, $"UPDATE audit_heads SET seq = {head.Seq + 1}, hash = '{hash}' WHERE organization_id = {db.OrganizationId}");

        var sent = send();
        await WaitUntilBlockedOnALockAsync(db);
        await transaction.CommitAsync();
        return await sent;
    }

    private static async Task ExecuteAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction, string sql)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>A condition, not a delay: the writer's statement is waiting for the other transaction's row lock.</summary>
    private static async Task WaitUntilBlockedOnALockAsync(TestDatabase db)
    {
        for (var attempt = 0; attempt < 3000; attempt++)
        {
            if (await db.ScalarAsync("SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()") > 0)
            {
                return;
            }

            await Task.Yield();
        }

        throw new TimeoutException("The writer never waited for the row lock.");
    }
}
