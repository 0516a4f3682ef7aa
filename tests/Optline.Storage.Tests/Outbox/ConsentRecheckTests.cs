using Optline.Core.Consent;
using Optline.Storage.Tests.Support;

namespace Optline.Storage.Tests.Outbox;

/// <summary>Consent is re-checked at the moment of sending (PRODUCT.md §10).</summary>
public sealed class ConsentRecheckTests
{
    private const string Contact = "+12015550123";

    [Theory, AllDatabases]
    public async Task After_stop_nothing_but_the_opt_out_confirmation_can_be_claimed(string provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await db.OptInAsync(Contact);
        await db.Conversations.LineSendAsync(db.Line, Contact, Channel.Sms, "See you Tuesday", "test");
        await db.Conversations.ContactSendAsync(db.Inbound(Contact, "STOP"));
        db.Time.Advance(TimeSpan.FromMinutes(5));

        var claimed = await db.Outbox.ClaimDueAsync(100);

        Assert.Equal(["optout_confirm"], claimed.Select(c => c.TemplateId));
        Assert.Equal(["cancelled"], await db.RowsAsync("SELECT status FROM messages WHERE body = 'See you Tuesday'", r => r.GetString(0)));
    }

    [Theory, AllDatabases]
    public async Task A_queued_message_whose_consent_was_lost_is_cancelled_instead_of_claimed(string provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await db.OptInAsync(Contact);
        db.Time.Advance(TimeSpan.FromMinutes(5));
        foreach (var send in await db.Outbox.ClaimDueAsync(100))
        {
            await db.Outbox.MarkSentAsync(send, "SM-" + send.MessageId);
        }

        var queued = await db.Conversations.LineSendAsync(db.Line, Contact, Channel.Sms, "See you Tuesday", "test");
        // The consent changes without the unit of work cancelling the queue (as if the row had been queued by a node that missed the STOP).
        await db.ExecuteAsync("UPDATE conversations SET state = @optedOut", ("@optedOut", (long)ConsentState.OptedOut));
        db.Time.Advance(TimeSpan.FromMinutes(5));

        var claimed = await db.Outbox.ClaimDueAsync(100);

        Assert.Empty(claimed);
        Assert.Equal(0, await db.CountAsync("outbox"));
        Assert.Equal([("cancelled", "opted_out")], await db.RowsAsync("SELECT status, reason FROM messages WHERE body = 'See you Tuesday'",
            r => (r.GetString(0), r.GetString(1))));
        Assert.Equal(1, await db.CountAsync("audit_records", "event = 'send_cancelled_at_recheck' AND message_id = @id", ("@id", queued.MessageId.ToString())));
        await AuditRows.AssertChainIntactAsync(db);
    }

    [Theory, AllDatabases]
    public async Task An_opt_in_request_answered_before_it_left_is_not_sent(string provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await db.OptInAsync(Contact);
        db.Time.Advance(TimeSpan.FromMinutes(5));

        var claimed = await db.Outbox.ClaimDueAsync(100);

        Assert.Equal(["line_optedin_confirm", null], claimed.Select(c => c.TemplateId));
        Assert.Equal([("cancelled", "consent_changed")], await db.RowsAsync("SELECT status, reason FROM messages WHERE template_id = 'line_request'",
            r => (r.GetString(0), r.GetString(1))));
    }
}
