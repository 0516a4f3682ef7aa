using Optline.Storage.Conversations;

namespace Optline.Storage.Tests.Support;

/// <summary>After a crash or an abrupt stop: every acknowledged event is there, and every event there is whole.</summary>
internal static class Wholeness
{
    /// <summary>Each write that completed successfully left its inbound message behind.</summary>
    public static async Task AssertAcknowledgedArePresentAsync(TestDatabase db, IEnumerable<EventOutcome> acknowledged)
    {
        var present = (await db.RowsAsync("SELECT id FROM messages WHERE direction = 0", r => db.Database.Dialect.ReadUuid(r, 0))).ToHashSet();
        Assert.All(acknowledged, outcome => Assert.Contains(outcome.MessageId!.Value, present));
    }

    /// <summary>
    /// A contact's first message to the line writes, in one transaction: its dedup marker, the held message, its attestation
    /// record, the opt-in request with its outbox row, and the notice. Either all of them are there or none.
    /// </summary>
    public static async Task AssertFirstContactEventsAreWholeAsync(TestDatabase db)
    {
        var inbound = await db.RowsAsync("SELECT id, provider_message_id FROM messages WHERE direction = 0 ORDER BY seq",
            r => (Id: db.Database.Dialect.ReadUuid(r, 0).ToString(), Provider: r.GetString(1)));
        var audited = await db.RowsAsync("SELECT message_id FROM audit_records WHERE event = 'contact_message' ORDER BY seq", r => r.GetString(0));
        var deduplicated = await db.RowsAsync("SELECT provider_message_id FROM processed_inbound", r => r.GetString(0));

        Assert.Equal(inbound.Select(m => m.Id).Order(), audited.Order());
        Assert.Equal(inbound.Select(m => m.Provider).Order(), deduplicated.Order());
        var conversations = await db.CountAsync("conversations");
        Assert.Equal(inbound.Count, conversations);
        Assert.Equal(conversations, await db.CountAsync("messages", "template_id = 'contact_request'"));
        Assert.Equal(conversations, await db.CountAsync("messages", "template_id = 'contact_pending_notice'"));
        Assert.Equal(conversations, await db.CountAsync("outbox"));
        await AuditRows.AssertChainIntactAsync(db);
    }
}
