using Optline.Core.Consent;
using Optline.Storage.Outbox;
using Optline.Storage.Tests.Support;

namespace Optline.Storage.Tests.Outbox;

/// <summary>Claims, re-checks and "sent" records work on many messages at once, each keeping its own outcome.</summary>
public sealed class SetBasedOutboxTests
{
    [Theory, AllDatabases]
    public async Task Sends_recorded_at_the_same_time_each_get_their_attestation_record_and_leave_the_outbox(string provider)
    {
        await using var db = await SendOutcomeTests.UngatedAsync(provider, new OutboxOptions { SmsMessagesPerSecond = 1000 });
        var bob = await db.AddLineAsync("+12015550200", "Bob Stone");
        for (var i = 0; i < 12; i++)
        {
            await db.Conversations.LineSendAsync(i % 2 == 0 ? db.Line : bob, $"+1201555{i:0000}", Channel.Sms, $"Statement {i}", "test");
        }

        db.Time.Advance(TimeSpan.FromSeconds(1));
        var claimed = await db.Outbox.ClaimDueAsync(100);

        var recorded = await Task.WhenAll(claimed.Select(s => db.Outbox.MarkSentAsync(s, "SM-" + s.OutboxId)));

        Assert.Equal(12, claimed.Count);
        Assert.All(recorded, Assert.True);
        Assert.Equal(0, await db.CountAsync("outbox"));
        Assert.Equal(12, await db.CountAsync("messages", "status = 'sent' AND provider_message_id = 'SM-' || outbox_id"));
        Assert.Equal(12, await db.CountAsync("audit_records", "event = 'message_sent'"));
        await AuditRows.AssertChainIntactAsync(db);
    }

    [Theory, AllDatabases]
    public async Task A_send_recorded_twice_at_once_is_recorded_once(string provider)
    {
        await using var db = await SendOutcomeTests.UngatedAsync(provider);
        await db.Conversations.LineSendAsync(db.Line, "+12015550123", Channel.Sms, "Your statement is ready", "test");
        var send = Assert.Single(await db.Outbox.ClaimDueAsync(10));

        var recorded = await Task.WhenAll(db.Outbox.MarkSentAsync(send, "SM-1"), db.Outbox.MarkSentAsync(send, "SM-1"));

        Assert.Equal(1, recorded.Count(r => r));
        Assert.Equal(1, await db.CountAsync("audit_records", "event = 'message_sent'"));
    }

    [Theory, AllDatabases]
    public async Task Rechecks_asked_at_the_same_time_each_answer_for_their_own_contact(string provider)
    {
        await using var db = await SendOutcomeTests.UngatedAsync(provider, new OutboxOptions { SmsMessagesPerSecond = 1000 });
        string[] contacts = ["+12015550001", "+12015550002", "+12015550003"];
        foreach (var contact in contacts)
        {
            await db.Conversations.LineSendAsync(db.Line, contact, Channel.Sms, "See you Tuesday", "test");
        }

        db.Time.Advance(TimeSpan.FromSeconds(1));
        var claimed = await db.Outbox.ClaimDueAsync(10);
        await db.Conversations.ContactSendAsync(db.Inbound(contacts[1], "STOP"));

        var refusals = await Task.WhenAll(claimed.Select(s => db.Outbox.RecheckAsync(s)));

        Assert.Equal(new string?[] { null, "opted_out", null }, refusals.AsEnumerable());
    }

    [Theory, AllDatabases]
    public async Task A_claim_looks_ahead_and_leaves_what_the_dispatcher_does_not_choose_for_the_next_claim(string provider)
    {
        await using var db = await SendOutcomeTests.UngatedAsync(provider);
        for (var i = 0; i < 3; i++)
        {
            await db.Conversations.LineSendAsync(db.Line, $"+1201555{i:0000}", Channel.Sms, $"Statement {i}", "test"); // due now, +1 s, +2 s
        }

        var first = (await db.Outbox.ClaimDueAsync(new ClaimRequest(10) { Lookahead = TimeSpan.FromSeconds(1.5), Choose = c => [.. c.Take(1)] })).Claimed;
        var second = (await db.Outbox.ClaimDueAsync(new ClaimRequest(10) { Lookahead = TimeSpan.FromSeconds(1.5) })).Claimed;

        Assert.Equal(["Statement 0"], first.Select(s => s.Body));
        Assert.Equal(["Statement 1"], second.Select(s => s.Body));
        Assert.Equal(db.Time.GetUtcNow().AddSeconds(1), second[0].DueAt);
    }

    [Theory, AllDatabases]
    public async Task A_claim_skips_the_senders_it_is_told_to(string provider)
    {
        await using var db = await SendOutcomeTests.UngatedAsync(provider);
        var bob = await db.AddLineAsync("+12015550200", "Bob Stone");
        await db.Conversations.LineSendAsync(db.Line, "+12015550001", Channel.Sms, "From Alice", "test");
        await db.Conversations.LineSendAsync(bob, "+12015550002", Channel.Sms, "From Bob", "test");

        var claimed = (await db.Outbox.ClaimDueAsync(new ClaimRequest(10) { SkipSenders = [ClaimedSend.SenderKey(db.Line.Id, Channel.Sms)] })).Claimed;

        Assert.Equal(["From Bob"], claimed.Select(s => s.Body));
    }
}
