using Optline.Core.Consent;
using Optline.Storage.Outbox;
using Optline.Storage.Tests.Support;

namespace Optline.Storage.Tests.Outbox;

/// <summary>What the dispatcher records after a send: sent with the provider id, a retry with backoff, a dead letter.</summary>
public sealed class SendOutcomeTests
{
    private const string Contact = "+12015550123";

    private static readonly OutboxOptions ThreeAttempts = new()
    {
        MaxAttempts = 3,
        FirstRetryDelay = TimeSpan.FromSeconds(2),
        MaxRetryDelay = TimeSpan.FromSeconds(3),
    };

    [Theory, AllDatabases]
    public async Task A_sent_message_records_its_provider_id_and_leaves_the_outbox(string provider)
    {
        await using var db = await UngatedAsync(provider);
        await db.Conversations.LineSendAsync(db.Line, Contact, Channel.Sms, "Your statement is ready", "test");
        var send = Assert.Single(await db.Outbox.ClaimDueAsync(10));

        await db.Outbox.MarkSentAsync(send, "SM-provider-1");

        Assert.Equal((1, Contact, TestDatabase.AliceNumber, "Your statement is ready"), (send.Attempt, send.To, send.From, send.Body));
        Assert.Equal([("sent", "SM-provider-1")], await db.RowsAsync("SELECT status, provider_message_id FROM messages WHERE id = @id",
            r => (r.GetString(0), r.GetString(1)), ("@id", db.Database.Dialect.Uuid(send.MessageId))));
        Assert.Equal(0, await db.CountAsync("outbox"));
        Assert.Equal(1, await db.CountAsync("audit_records", "event = 'message_sent' AND provider_message_id = 'SM-provider-1'"));
    }

    [Theory, AllDatabases]
    public async Task Failed_sends_back_off_then_dead_letter_and_an_admin_can_retry(string provider)
    {
        await using var db = await UngatedAsync(provider, ThreeAttempts);
        await db.Conversations.LineSendAsync(db.Line, Contact, Channel.Sms, "Your statement is ready", "test");

        for (var attempt = 1; attempt < 3; attempt++)
        {
            var send = Assert.Single(await db.Outbox.ClaimDueAsync(10));
            Assert.Equal(attempt, send.Attempt);
            Assert.False(await db.Outbox.MarkFailedAsync(send, "carrier timeout", permanent: false, retryAfter: null));

            var delay = TimeSpan.FromMilliseconds(await db.ScalarAsync("SELECT due_at FROM outbox") - db.Time.GetUtcNow().ToUnixTimeMilliseconds());
            var full = TimeSpan.FromSeconds(Math.Min(2 * Math.Pow(2, attempt - 1), 3));
            Assert.InRange(delay, full / 2, full); // exponential, capped, with jitter
            Assert.Empty(await db.Outbox.ClaimDueAsync(10));
            db.Time.Advance(full);
        }

        var last = Assert.Single(await db.Outbox.ClaimDueAsync(10));
        Assert.True(await db.Outbox.MarkFailedAsync(last, "carrier timeout", permanent: false, retryAfter: null));

        db.Time.Advance(TimeSpan.FromHours(1));
        Assert.Empty(await db.Outbox.ClaimDueAsync(10));
        var dead = Assert.Single(await db.Outbox.ListDeadAsync(db.OrganizationId, 0, 10));
        Assert.Equal((last.MessageId, 3, "carrier timeout"), (dead.MessageId, dead.Attempts, dead.LastError));
        Assert.Equal(["failed"], await db.RowsAsync("SELECT status FROM messages WHERE direction = 1", r => r.GetString(0)));

        Assert.True(await db.Outbox.RetryDeadAsync(db.OrganizationId, dead.OutboxId));

        Assert.Equal(["queued"], await db.RowsAsync("SELECT status FROM messages WHERE direction = 1", r => r.GetString(0)));
        Assert.Equal(1, Assert.Single(await db.Outbox.ClaimDueAsync(10)).Attempt);
        Assert.Empty(await db.Outbox.ListDeadAsync(db.OrganizationId, 0, 10));
    }

    [Theory, AllDatabases]
    public async Task A_permanent_failure_dead_letters_at_once_and_a_carrier_delay_is_honoured(string provider)
    {
        await using var db = await UngatedAsync(provider, ThreeAttempts);
        await db.Conversations.LineSendAsync(db.Line, Contact, Channel.Sms, "First", "test");
        await db.Conversations.LineSendAsync(db.Line, "+12015550124", Channel.Sms, "Second", "test");
        db.Time.Advance(TimeSpan.FromSeconds(1));
        var claimed = await db.Outbox.ClaimDueAsync(10);

        Assert.True(await db.Outbox.MarkFailedAsync(claimed[0], "21211 invalid number", permanent: true, retryAfter: null));
        Assert.False(await db.Outbox.MarkFailedAsync(claimed[1], "429 too many requests", permanent: false, retryAfter: TimeSpan.FromSeconds(30)));

        Assert.Equal(claimed[0].MessageId, Assert.Single(await db.Outbox.ListDeadAsync(db.OrganizationId, 0, 10)).MessageId);
        Assert.Equal(db.Time.GetUtcNow().AddSeconds(30).ToUnixTimeMilliseconds(), await db.ScalarAsync("SELECT due_at FROM outbox WHERE dead = 0"));
    }

    [Theory, AllDatabases]
    public async Task A_claim_abandoned_by_a_crashed_node_is_taken_over_after_the_claim_timeout(string provider)
    {
        await using var db = await UngatedAsync(provider);
        await db.Conversations.LineSendAsync(db.Line, Contact, Channel.Sms, "Your statement is ready", "test");
        var abandoned = Assert.Single(await db.Outbox.ClaimDueAsync(10));

        db.Time.Advance(db.OutboxOptions.ClaimTimeout - TimeSpan.FromSeconds(1));
        Assert.Empty(await db.Outbox.ClaimDueAsync(10));
        db.Time.Advance(TimeSpan.FromSeconds(2));
        var taken = Assert.Single(await db.Outbox.ClaimDueAsync(10));

        Assert.Equal((abandoned.MessageId, 2), (taken.MessageId, taken.Attempt));
    }

    [Theory, AllDatabases]
    public async Task A_row_held_while_it_is_sent_and_recorded_is_not_claimed_again_by_its_own_dispatcher_after_the_claim_timeout(string provider)
    {
        // The carrier has the message and its "sent" record waits behind a claim that runs after the claim timed out
        // (a writer stalled on a busy machine): that claim must not take the row and send the message a second time.
        await using var db = await UngatedAsync(provider);
        await db.Conversations.LineSendAsync(db.Line, Contact, Channel.Sms, "Your statement is ready", "test");
        var send = Assert.Single(await db.Outbox.ClaimDueAsync(10));
        var hold = db.Outbox.Hold(send);

        db.Time.Advance(db.OutboxOptions.ClaimTimeout + TimeSpan.FromSeconds(1));
        Assert.Empty(await db.Outbox.ClaimDueAsync(10));
        Assert.True(await db.Outbox.MarkSentAsync(send, "SM-provider-1"));
        hold.Dispose();

        Assert.Empty(await db.Outbox.ClaimDueAsync(10));
        Assert.Equal(0, await db.CountAsync("outbox"));
    }

    [Theory, AllDatabases]
    public async Task A_hold_given_up_without_a_record_leaves_the_row_to_the_next_claim(string provider)
    {
        await using var db = await UngatedAsync(provider);
        await db.Conversations.LineSendAsync(db.Line, Contact, Channel.Sms, "Your statement is ready", "test");
        var send = Assert.Single(await db.Outbox.ClaimDueAsync(10));
        using (db.Outbox.Hold(send))
        using (db.Outbox.Hold(send))
        {
            db.Time.Advance(db.OutboxOptions.ClaimTimeout + TimeSpan.FromSeconds(1));
        }

        var again = Assert.Single(await db.Outbox.ClaimDueAsync(10));
        Assert.Equal((send.MessageId, 2), (again.MessageId, again.Attempt));
    }

    /// <summary>SMS opt-in off: a line's message is queued at once, with no automated texts around it.</summary>
    internal static async Task<TestDatabase> UngatedAsync(string provider, OutboxOptions? options = null)
    {
        var db = await TestDatabase.CreateAsync(provider, options);
        await db.Organizations.UpdateSettingsAsync(db.OrganizationId, (s, _) => s with { SmsOptInRequired = false }, "admin");
        return db;
    }
}
