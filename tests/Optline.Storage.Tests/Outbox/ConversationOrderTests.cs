using Optline.Core.Consent;
using Optline.Storage.Outbox;
using Optline.Storage.Tests.Support;

namespace Optline.Storage.Tests.Outbox;

/// <summary>
/// A conversation's messages reach the contact in the order they were queued, across a carrier outage and a crash: a
/// message that waits for a retry, or is in flight, holds back the later ones of its conversation, and no other conversation's.
/// </summary>
public sealed class ConversationOrderTests
{
    private const string Contact = "+12015550123";
    private const string Other = "+12015550124";

    [Theory, AllDatabases]
    public async Task A_message_waiting_for_a_retry_holds_back_the_later_ones_of_its_conversation(string provider)
    {
        await using var db = await SendOutcomeTests.UngatedAsync(provider);
        await db.Conversations.LineSendAsync(db.Line, Contact, Channel.Sms, "First", "test");
        await db.Conversations.LineSendAsync(db.Line, Contact, Channel.Sms, "Second", "test");
        await db.Conversations.LineSendAsync(db.Line, Other, Channel.Sms, "Elsewhere", "test");
        db.Time.Advance(TimeSpan.FromSeconds(3)); // past the line's paced slots
        var claimed = await db.Outbox.ClaimDueAsync(10);
        Assert.Equal(["First", "Second", "Elsewhere"], claimed.Select(s => s.Body));
        var (first, second, elsewhere) = (claimed[0], claimed[1], claimed[2]);

        Assert.False(await db.Outbox.MarkFailedAsync(first, "carrier outage", permanent: false, retryAfter: TimeSpan.FromSeconds(5)));

        Assert.Equal(OutboxStore.Behind, await db.Outbox.RecheckAsync(second));
        Assert.Null(await db.Outbox.RecheckAsync(elsewhere));
        Assert.True(await db.Outbox.ReleaseAsync(second));
        Assert.False(await db.Outbox.ReleaseAsync(second)); // no longer under that claim
        Assert.Equal(["queued", "queued"], await db.RowsAsync(
            "SELECT m.status FROM messages m WHERE m.conversation_id = @c AND m.direction = 1 ORDER BY m.seq", r => r.GetString(0), ("@c", second.ConversationId)));

        // Second was due first, yet no claim takes it before First: not while First waits, nor in the claim that takes
        // First. The next claim takes it, to be sent behind First in this dispatcher's lane.
        db.Time.Advance(TimeSpan.FromSeconds(4));
        Assert.Empty(await db.Outbox.ClaimDueAsync(10));
        db.Time.Advance(TimeSpan.FromSeconds(1));
        var retried = Assert.Single(await db.Outbox.ClaimDueAsync(10));
        var next = Assert.Single(await db.Outbox.ClaimDueAsync(10));

        Assert.Equal(("First", 2), (retried.Body, retried.Attempt));
        Assert.Equal(("Second", 1), (next.Body, next.Attempt)); // released, not counted as an attempt
        Assert.Null(await db.Outbox.RecheckAsync(next)); // First is claimed: in flight ahead of it
    }

    [Theory, AllDatabases]
    public async Task A_message_waits_while_an_earlier_one_is_in_flight_at_another_node_or_at_one_that_died(string provider)
    {
        await using var db = await SendOutcomeTests.UngatedAsync(provider);
        var other = db.OpenNode().Outbox;
        await db.Conversations.LineSendAsync(db.Line, Contact, Channel.Sms, "First", "test");
        var abandoned = Assert.Single(await db.Outbox.ClaimDueAsync(10)); // and this node dies before sending it
        await db.Conversations.LineSendAsync(db.Line, Contact, Channel.Sms, "Second", "test");
        await db.Conversations.LineSendAsync(db.Line, Other, Channel.Sms, "Elsewhere", "test");
        db.Time.Advance(TimeSpan.FromSeconds(3));

        Assert.Equal(["Elsewhere"], (await other.ClaimDueAsync(10)).Select(s => s.Body));

        await AfterTheClaimRunsOutBothAreClaimedInOrderAsync(db, other, abandoned);
    }

    [Theory, AllDatabases]
    public async Task A_message_waits_for_one_its_dispatcher_gave_up_sending_to_be_claimed_again(string provider)
    {
        await using var db = await SendOutcomeTests.UngatedAsync(provider);
        await db.Conversations.LineSendAsync(db.Line, Contact, Channel.Sms, "First", "test");
        var abandoned = Assert.Single(await db.Outbox.ClaimDueAsync(10));
        db.Outbox.ForgetClaims(); // its last re-check failed with the database, say: it will not be sent under this claim
        await db.Conversations.LineSendAsync(db.Line, Contact, Channel.Sms, "Second", "test");
        db.Time.Advance(TimeSpan.FromSeconds(3));

        Assert.Empty(await db.Outbox.ClaimDueAsync(10));

        await AfterTheClaimRunsOutBothAreClaimedInOrderAsync(db, db.Outbox, abandoned);
    }

    [Theory, AllDatabases]
    public async Task A_dead_letter_holds_nothing_back(string provider)
    {
        await using var db = await SendOutcomeTests.UngatedAsync(provider);
        await db.Conversations.LineSendAsync(db.Line, Contact, Channel.Sms, "First", "test");
        await db.Conversations.LineSendAsync(db.Line, Contact, Channel.Sms, "Second", "test");
        db.Time.Advance(TimeSpan.FromSeconds(2));
        var claimed = await db.Outbox.ClaimDueAsync(10);

        Assert.True(await db.Outbox.MarkFailedAsync(claimed[0], "21211 invalid number", permanent: true, retryAfter: null));

        Assert.Null(await db.Outbox.RecheckAsync(claimed[1]));
    }

    [Theory, AllDatabases]
    public async Task A_message_queued_while_an_earlier_one_waits_for_a_retry_goes_after_it(string provider)
    {
        await using var db = await SendOutcomeTests.UngatedAsync(provider);
        await db.Conversations.LineSendAsync(db.Line, Contact, Channel.Sms, "First", "test");
        var first = Assert.Single(await db.Outbox.ClaimDueAsync(10));
        Assert.False(await db.Outbox.MarkFailedAsync(first, "carrier outage", permanent: false, retryAfter: TimeSpan.FromSeconds(30)));

        db.Time.Advance(TimeSpan.FromSeconds(2));
        await db.Conversations.LineSendAsync(db.Line, Contact, Channel.Sms, "Later", "test");
        await db.Conversations.LineSendAsync(db.Line, Other, Channel.Sms, "Elsewhere", "test");
        db.Time.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(["Elsewhere"], (await db.Outbox.ClaimDueAsync(10)).Select(s => s.Body));
        db.Time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(["First"], (await db.Outbox.ClaimDueAsync(10)).Select(s => s.Body));
        Assert.Equal(["Later"], (await db.Outbox.ClaimDueAsync(10)).Select(s => s.Body));
    }

    private static async Task AfterTheClaimRunsOutBothAreClaimedInOrderAsync(TestDatabase db, OutboxStore claimer, ClaimedSend abandoned)
    {
        db.Time.Advance(db.OutboxOptions.ClaimTimeout);
        var taken = await claimer.ClaimDueAsync(10);
        Assert.Equal([("First", 2), ("Second", 1)], taken.Select(s => (s.Body, s.Attempt)));
        Assert.Equal(abandoned.MessageId, taken[0].MessageId);
    }
}
