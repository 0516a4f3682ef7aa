using Optline.Core.Consent;
using Optline.Storage.Conversations;
using Optline.Storage.Tests.Support;

namespace Optline.Storage.Tests.Conversations;

/// <summary>A line's message sent with an idempotency key is stored and sent once, however often and wherever it is sent.</summary>
public sealed class IdempotentSendTests
{
    private const string Contact = "+12015550123";
    private const string OtherContact = "+12015550124";
    private static readonly string[] Tables = ["messages", "audit_records", "outbox", "processed_inbound", "conversations"];

    [Theory, AllDatabases]
    public async Task A_message_sent_again_with_its_key_returns_the_first_outcome_and_changes_nothing(string provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var first = await db.Conversations.LineSendAsync(db.Line, Contact, Channel.Sms, "Your statement is ready", "line", "key-1");
        var before = await CountsAsync(db);

        var again = await db.Conversations.LineSendAsync(db.Line, Contact, Channel.Sms, "Your statement is ready", "line", "key-1");

        Assert.False(first.Duplicate);
        Assert.Equal(first with { Duplicate = true }, again);
        Assert.Equal(before, await CountsAsync(db));
        Assert.Equal(1, await db.CountAsync("messages", "body = 'Your statement is ready'"));
    }

    [Theory, AllDatabases]
    public async Task A_key_used_for_a_different_message_is_refused_and_changes_nothing(string provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await db.Conversations.LineSendAsync(db.Line, Contact, Channel.Sms, "Your statement is ready", "line", "key-1");
        var before = await CountsAsync(db);

        await Assert.ThrowsAsync<IdempotencyKeyReusedException>(() =>
            db.Conversations.LineSendAsync(db.Line, Contact, Channel.Sms, "Call me back", "line", "key-1"));
        await Assert.ThrowsAsync<IdempotencyKeyReusedException>(() =>
            db.Conversations.LineSendAsync(db.Line, OtherContact, Channel.Sms, "Your statement is ready", "line", "key-1"));
        await Assert.ThrowsAsync<IdempotencyKeyReusedException>(() =>
            db.Conversations.LineSendAsync(db.Line, Contact, Channel.WhatsApp, "Your statement is ready", "line", "key-1"));

        Assert.Equal(before, await CountsAsync(db));
    }

    [Theory, AllDatabases]
    public async Task One_key_sent_twenty_times_at_once_on_two_nodes_stores_one_message(string provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var nodes = provider == TestDatabase.Postgres ? new[] { db.Node, db.OpenNode() } : [db.Node];

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() =>
            nodes[i % nodes.Length].Conversations.LineSendAsync(db.Line, Contact, Channel.Sms, "Hello", "line", "key-1"))));

        var stored = Assert.Single(outcomes, o => !o.Duplicate);
        Assert.All(outcomes, o => Assert.Equal(stored.MessageId, o.MessageId));
        Assert.Equal(1, await db.CountAsync("messages", "body = 'Hello'"));
        Assert.Equal(1, await db.CountAsync("messages", "template_id = 'line_request'"));
        Assert.Equal(1, await db.CountAsync("audit_records", "event = 'line_message'"));
    }

    [Theory, AllDatabases]
    public async Task Messages_without_a_key_are_each_stored(string provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);

        await db.Conversations.LineSendAsync(db.Line, Contact, Channel.Sms, "Hello", "line");
        await db.Conversations.LineSendAsync(db.Line, Contact, Channel.Sms, "Hello", "line");

        Assert.Equal(2, await db.CountAsync("messages", "body = 'Hello'"));
        Assert.Equal(0, await db.CountAsync("processed_inbound"));
    }

    private static async Task<long[]> CountsAsync(TestDatabase db) =>
        await Task.WhenAll(Tables.Select(t => db.CountAsync(t)));
}
