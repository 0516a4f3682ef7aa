using Optline.Core.Consent;
using Optline.Storage.Conversations;
using Optline.Storage.Database;
using Optline.Storage.Tests.Support;

namespace Optline.Storage.Tests.Database;

/// <summary>
/// Two Optline nodes on one PostgreSQL, each with its own group-commit writer, processing interleaved events for the
/// same conversations: they serialise per conversation in the database, so they never disagree.
/// </summary>
public sealed class TwoNodeTests
{
    private const int Conversations = 50;

    [PostgresFact]
    public async Task Two_nodes_interleaving_events_on_the_same_conversations_agree_on_every_outcome()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Postgres);
        var (a, b) = (db.Node, db.OpenNode());

        var stops = await Task.WhenAll(Enumerable.Range(0, Conversations).Select(i => PlayAsync(db, a, b, Contact(i))));

        Assert.All(stops, stop => Assert.Equal(ConsentState.OptedOut, stop.State));
        foreach (var i in Enumerable.Range(0, Conversations))
        {
            await AssertConversationAsync(db, Contact(i));
        }

        Assert.Equal(0, await db.CountAsync("outbox", "requires = 'consent'"));
        var left = await db.RowsAsync("SELECT m.template_id FROM outbox o JOIN messages m ON m.id = o.message_id", r => r.GetNullableString(0));
        Assert.Equal(Enumerable.Repeat<string?>("optout_confirm", Conversations), left);
        await AuditRows.AssertChainIntactAsync(db);
    }

    [PostgresFact]
    public async Task Two_nodes_committing_whole_batches_of_the_same_conversations_in_opposite_orders_both_succeed()
    {
        // One writer per node, so that each node's events land in one batch.
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Postgres, writers: 1);
        var (a, b) = (db.Node, db.OpenNode());
        var contacts = Enumerable.Range(0, Conversations).Select(Contact).ToList();
        var (gatesA, gatesB) = (await WriterGates.HoldAsync(a.Database), await WriterGates.HoldAsync(b.Database));

        var fromA = contacts.Select(c => a.Conversations.LineSendAsync(db.Line, c, Channel.Sms, "from A", "node-a")).ToList();
        var fromB = contacts.AsEnumerable().Reverse().Select(c => b.Conversations.LineSendAsync(db.Line, c, Channel.Sms, "from B", "node-b")).ToList();
        gatesA.OpenFirst();
        gatesB.OpenFirst();
        var outcomes = await Task.WhenAll(fromA.Concat(fromB));
        gatesA.OpenAll();
        gatesB.OpenAll();

        Assert.All(outcomes, o => Assert.Equal(("held", ConsentState.Pending), (o.Status, o.State)));
        Assert.Equal(Conversations, await db.CountAsync("messages", "template_id = 'line_request'"));
        await AuditRows.AssertChainIntactAsync(db);
    }

    [PostgresFact]
    public async Task The_same_provider_id_delivered_to_both_nodes_at_once_is_processed_once()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Postgres);
        var (a, b) = (db.Node, db.OpenNode());
        await db.OptInAsync(Contact(1));
        var message = db.Inbound(Contact(1), "Can you call me back?", "SM-both-nodes");
        StorageNode Node(int i) => i % 2 == 0 ? a : b;

        var deliveries = Enumerable.Range(0, 20).Select(i => Task.Run(() => Node(i).Conversations.ContactSendAsync(message))).ToList();
        var others = Enumerable.Range(2, 20).Select(i => Task.Run(() => Node(i + 1).Conversations.ContactSendAsync(db.Inbound(Contact(i), "Hello")))).ToList();
        var outcomes = await Task.WhenAll(deliveries);
        await Task.WhenAll(others);

        var processed = Assert.Single(outcomes, o => !o.Duplicate);
        Assert.All(outcomes, o => Assert.Equal(processed.MessageId, o.MessageId));
        Assert.Equal(1, await db.CountAsync("messages", "provider_message_id = 'SM-both-nodes'"));
        Assert.Equal(1, await db.CountAsync("processed_inbound", "provider_message_id = 'SM-both-nodes'"));
        await AuditRows.AssertChainIntactAsync(db);
    }

    /// <summary>Both nodes write at once; the YES lands on one while the other writes; the STOP lands on one while the other writes.</summary>
    private static async Task<EventOutcome> PlayAsync(TestDatabase db, StorageNode a, StorageNode b, string contact)
    {
        await Task.WhenAll(
            a.Conversations.LineSendAsync(db.Line, contact, Channel.Sms, "A1", "node-a"),
            b.Conversations.LineSendAsync(db.Line, contact, Channel.Sms, "B1", "node-b"));
        await Task.WhenAll(
            a.Conversations.ContactSendAsync(db.Inbound(contact, "YES")),
            b.Conversations.LineSendAsync(db.Line, contact, Channel.Sms, "B2", "node-b"));
        var stop = b.Conversations.ContactSendAsync(db.Inbound(contact, "STOP"));
        await Task.WhenAll(stop, a.Conversations.LineSendAsync(db.Line, contact, Channel.Sms, "A3", "node-a"));
        var afterStop = await Task.WhenAll(
            a.Conversations.LineSendAsync(db.Line, contact, Channel.Sms, "A4", "node-a"),
            b.Conversations.LineSendAsync(db.Line, contact, Channel.Sms, "B4", "node-b"));
        Assert.All(afterStop, o => Assert.Equal(("blocked", ConsentState.OptedOut), (o.Status, o.State)));
        return await stop;
    }

    private static async Task AssertConversationAsync(TestDatabase db, string contact)
    {
        var conversation = await db.ConversationAsync(contact);
        var timeline = await db.Queries.TimelineAsync(conversation.Id, 0, 1000);
        var stop = timeline.Single(m => m.Direction == "inbound" && m.Body == "STOP");

        Assert.Equal(ConsentState.OptedOut, conversation.State.State);
        Assert.Single(timeline, m => m.TemplateId == "line_request");
        Assert.DoesNotContain(timeline, m => m.TemplateId == "contact_request");
        Assert.Single(timeline, m => m.TemplateId == "line_optedin_confirm");
        Assert.Single(timeline, m => m.TemplateId == "optout_confirm");
        var lineMessages = timeline.Where(m => m.Direction == "outbound" && m.TemplateId is null).ToList();
        Assert.Equal(["A1", "A3", "A4", "B1", "B2", "B4"], lineMessages.Select(m => m.Body).Order(StringComparer.Ordinal));
        Assert.All(lineMessages.Where(m => m.Seq < stop.Seq), m => Assert.Equal(("cancelled", "opted_out"), (m.Status, m.Reason)));
        Assert.All(lineMessages.Where(m => m.Seq > stop.Seq), m => Assert.Equal(("blocked", "opted_out"), (m.Status, m.Reason)));
        Assert.DoesNotContain(timeline, m => m.Seq > stop.Seq && m.Status == "queued" && m.TemplateId != "optout_confirm");

        var history = await db.Queries.ConsentHistoryAsync(db.OrganizationId, db.Line.Number, contact, Channel.Sms, 0, 100);
        Assert.Equal(["pending", "opted_in", "opted_out"], history.Select(h => h.Event));
    }

    private static string Contact(int i) => $"+1201555{i:0000}";
}
