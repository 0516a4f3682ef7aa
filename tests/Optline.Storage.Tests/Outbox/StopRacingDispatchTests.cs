using System.Collections.Concurrent;
using Optline.Core.Consent;
using Optline.Storage.Outbox;
using Optline.Storage.Tests.Support;

namespace Optline.Storage.Tests.Outbox;

/// <summary>One node dispatches the outbox while another takes STOPs for the same conversations (PostgreSQL: two nodes).</summary>
public sealed class StopRacingDispatchTests
{
    private const int Contacts = 30;

    [PostgresFact]
    public async Task No_claim_that_starts_after_a_stop_is_acknowledged_picks_up_that_contacts_messages()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Postgres, new OutboxOptions { SmsMessagesPerSecond = 10_000 });
        var (dispatcher, receiver) = (db.Node, db.OpenNode());
        var contacts = Enumerable.Range(0, Contacts).Select(i => $"+1201555{i:0000}").ToList();
        await Task.WhenAll(contacts.Select(c => db.OptInAsync(c)));
        db.Time.Advance(TimeSpan.FromMinutes(1));

        var clock = 0L;
        var stoppedAt = new ConcurrentDictionary<string, long>();
        var claims = new ConcurrentBag<(long StartedAt, ClaimedSend Send)>();
        var traffic = Task.WhenAll(contacts.Select(async contact =>
        {
            await receiver.Conversations.LineSendAsync(db.Line, contact, Channel.Sms, "Before the stop", "test");
            await receiver.Conversations.ContactSendAsync(db.Inbound(contact, "STOP"));
            stoppedAt[contact] = Interlocked.Increment(ref clock);
            var after = await receiver.Conversations.LineSendAsync(db.Line, contact, Channel.Sms, "After the stop", "test");
            Assert.Equal("blocked", after.Status);
        }));
        while (true)
        {
            var finished = traffic.IsCompleted;
            db.Time.Advance(TimeSpan.FromSeconds(1));
            var startedAt = Interlocked.Increment(ref clock);
            var claimed = await dispatcher.Outbox.ClaimDueAsync(20);
            foreach (var send in claimed)
            {
                claims.Add((startedAt, send));
                await dispatcher.Outbox.MarkSentAsync(send, "SM-" + send.MessageId.ToString("N"));
            }

            if (finished && claimed.Count == 0)
            {
                break;
            }
        }

        await traffic;
        Assert.All(claims.Where(c => c.Send.TemplateId != "optout_confirm"), c => Assert.True(c.StartedAt < stoppedAt[c.Send.To], $"{c.Send.Body} to {c.Send.To} claimed after its STOP"));
        Assert.Equal(Contacts, claims.Count(c => c.Send.TemplateId == "optout_confirm"));
        Assert.Equal(0, await db.CountAsync("outbox"));
        Assert.Equal(0, await db.CountAsync("messages", "status = 'queued'"));
        Assert.Equal(0, await db.CountAsync("messages", "body = 'After the stop' AND status <> 'blocked'"));
        Assert.Equal(Contacts, await db.CountAsync("conversations", "channel = 0 AND state = @optedOut", ("@optedOut", (long)ConsentState.OptedOut)));
        await AuditRows.AssertChainIntactAsync(db);
    }
}
