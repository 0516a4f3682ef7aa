using Optline.Core.Consent;
using Optline.Storage.Tests.Support;

namespace Optline.Storage.Tests.Conversations;

/// <summary>A provider message id seen before is processed once (PRODUCT.md §6).</summary>
public sealed class DuplicateDeliveryTests
{
    private const string Contact = "+12015550123";
    private static readonly string[] Tables = ["messages", "audit_records", "outbox", "processed_inbound", "conversations"];

    [Theory, AllDatabases]
    public async Task A_provider_id_seen_again_returns_the_earlier_outcome_and_changes_nothing(string provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await db.Conversations.LineSendAsync(db.Line, Contact, Channel.Sms, "Hello", "test");
        var first = await db.Conversations.ContactSendAsync(db.Inbound(Contact, "YES", "SM-yes-1"));
        var before = await CountsAsync(db);
        var version = (await db.ConversationAsync(Contact)).Version;

        var again = await db.Conversations.ContactSendAsync(db.Inbound(Contact, "YES", "SM-yes-1"));

        Assert.False(first.Duplicate);
        Assert.Equal(first with { Duplicate = true }, again);
        Assert.Equal(before, await CountsAsync(db));
        Assert.Equal(version, (await db.ConversationAsync(Contact)).Version);
    }

    [Theory, AllDatabases]
    public async Task The_same_provider_id_delivered_twenty_times_at_once_is_processed_once(string provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var message = db.Inbound(Contact, "Can you call me back?", "SM-concurrent-1");

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => db.Conversations.ContactSendAsync(message))));

        var processed = Assert.Single(outcomes, o => !o.Duplicate);
        Assert.All(outcomes, o => Assert.Equal(processed.MessageId, o.MessageId));
        Assert.Equal(1, await db.CountAsync("messages", "provider_message_id = @id", ("@id", "SM-concurrent-1")));
        Assert.Equal(1, await db.CountAsync("messages", "template_id = 'contact_request'"));
        Assert.Equal(1, await db.CountAsync("audit_records", "event = 'contact_message'"));
    }

    private static async Task<long[]> CountsAsync(TestDatabase db) =>
        await Task.WhenAll(Tables.Select(t => db.CountAsync(t)));
}
