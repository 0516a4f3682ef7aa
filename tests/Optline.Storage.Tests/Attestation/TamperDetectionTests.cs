using Optline.Core.Consent;
using Optline.Storage.Audit;
using Optline.Storage.Tests.Support;

namespace Optline.Storage.Tests.Attestation;

/// <summary>
/// PRODUCT.md §8: a record changed, removed, inserted or reordered directly in the database is found by verification,
/// with the sequence number where the chain stops holding.
/// </summary>
public sealed class TamperDetectionTests
{
    private const string Contact = "+12015550123";

    [Theory, AllDatabases]
    public async Task An_untouched_chain_verifies_with_its_record_count_and_head_hash(string provider)
    {
        await using var db = await ScriptedConversationAsync(provider);

        var result = await new AuditQueries(db.Database).VerifyAsync(db.OrganizationId);

        Assert.True(result.Ok, result.Reason);
        Assert.Equal(await db.CountAsync("audit_records"), result.Records);
        Assert.Equal(await HeadHashAsync(db), result.HeadHash);
        Assert.Null(result.FirstBadSeq);
    }

    [Theory, AllDatabases]
    public async Task A_changed_text_is_found_at_its_sequence_number(string provider)
    {
        await using var db = await ScriptedConversationAsync(provider);
        var seq = await SeqOfAsync(db, "contact_message", "YES");
        await db.ExecuteAsync("UPDATE audit_records SET text = 'NO' WHERE seq = @seq", ("@seq", seq));

        await AssertBrokenAtAsync(db, seq);
    }

    [Theory, AllDatabases]
    public async Task A_changed_time_is_found_at_its_sequence_number(string provider)
    {
        await using var db = await ScriptedConversationAsync(provider);
        var seq = await SeqOfAsync(db, "consent_opted_in");
        await db.ExecuteAsync("UPDATE audit_records SET at = at - 86400000 WHERE seq = @seq", ("@seq", seq));

        await AssertBrokenAtAsync(db, seq);
    }

    [Theory, AllDatabases]
    public async Task A_deleted_row_is_found_at_the_missing_sequence_number(string provider)
    {
        await using var db = await ScriptedConversationAsync(provider);
        var seq = await SeqOfAsync(db, "consent_opted_out");
        await db.ExecuteAsync("DELETE FROM audit_records WHERE seq = @seq", ("@seq", seq));

        await AssertBrokenAtAsync(db, seq);
    }

    [Theory, AllDatabases]
    public async Task Two_swapped_rows_are_found_at_the_first_of_them(string provider)
    {
        await using var db = await ScriptedConversationAsync(provider);
        var first = await SeqOfAsync(db, "contact_message", "YES");
        var second = first + 1;
        await db.ExecuteAsync("UPDATE audit_records SET seq = -1 WHERE seq = @a", ("@a", first));
        await db.ExecuteAsync("UPDATE audit_records SET seq = @a WHERE seq = @b", ("@a", first), ("@b", second));
        await db.ExecuteAsync("UPDATE audit_records SET seq = @b WHERE seq = -1", ("@b", second));

        await AssertBrokenAtAsync(db, first);
    }

    [Theory, AllDatabases]
    public async Task A_forged_row_appended_at_the_end_is_found(string provider)
    {
        await using var db = await ScriptedConversationAsync(provider);
        var last = await db.ScalarAsync("SELECT MAX(seq) FROM audit_records");
        var headHash = await HeadHashAsync(db);
        await db.ExecuteAsync(
            "INSERT INTO audit_records (organization_id, seq, at, event, contact, text, prev_hash, hash) VALUES (@org, @seq, 0, 'consent_opted_in', @contact, 'YES', @prev, @hash)",
            ("@org", db.OrganizationId), ("@seq", last + 1), ("@contact", Contact), ("@prev", headHash), ("@hash", new string('a', 64)));

        await AssertBrokenAtAsync(db, last + 1);
    }

    [Theory, AllDatabases]
    public async Task A_row_inserted_in_the_middle_with_renumbering_is_found(string provider)
    {
        await using var db = await ScriptedConversationAsync(provider);
        var seq = await SeqOfAsync(db, "consent_opted_out");
        await db.ExecuteAsync("UPDATE audit_records SET seq = seq + 1000 WHERE seq >= @seq", ("@seq", seq));
        await db.ExecuteAsync("UPDATE audit_records SET seq = seq - 999 WHERE seq >= @seq", ("@seq", seq + 1000));
        var prev = (await db.RowsAsync("SELECT hash FROM audit_records WHERE seq = @s", r => r.GetString(0), ("@s", seq - 1)))[0];
        var forged = new AuditEntry("consent_opted_in") { Contact = Contact, Text = "YES" };
        var at = TestDatabase.Start;
        await db.ExecuteAsync(
            "INSERT INTO audit_records (organization_id, seq, at, event, contact, text, prev_hash, hash) VALUES (@org, @seq, @at, 'consent_opted_in', @contact, 'YES', @prev, @hash)",
            ("@org", db.OrganizationId), ("@seq", seq), ("@at", at.ToUnixTimeMilliseconds()), ("@contact", Contact), ("@prev", prev),
            ("@hash", AuditHash.Compute(db.OrganizationId, seq, at, forged, prev)));

        // The forged record hashes correctly on its own, but the original that follows no longer links to it.
        await AssertBrokenAtAsync(db, seq + 1);
    }

    /// <summary>The seed's line-first flow, an opt-in and an opt-out: a chain of a few dozen records.</summary>
    internal static async Task<TestDatabase> ScriptedConversationAsync(string provider)
    {
        var db = await TestDatabase.CreateAsync(provider);
        await db.Conversations.LineSendAsync(db.Line, Contact, Channel.Sms, "Hi, this is Alice from Acme.", "test");
        await db.Conversations.ContactSendAsync(db.Inbound(Contact, "YES"));
        await db.Conversations.ContactSendAsync(db.Inbound(Contact, "Thanks!"));
        await db.Conversations.ContactSendAsync(db.Inbound(Contact, "STOP"));
        return db;
    }

    private static async Task AssertBrokenAtAsync(TestDatabase db, long seq)
    {
        var result = await new AuditQueries(db.Database).VerifyAsync(db.OrganizationId);
        Assert.False(result.Ok);
        Assert.Equal(seq, result.FirstBadSeq);
        Assert.False(string.IsNullOrEmpty(result.Reason));
    }

    private static async Task<long> SeqOfAsync(TestDatabase db, string @event, string? text = null) =>
        (await db.RowsAsync("SELECT seq, text FROM audit_records WHERE event = @event ORDER BY seq", r => (Seq: r.GetInt64(0), Text: r.IsDBNull(1) ? null : r.GetString(1)), ("@event", @event)))
            .First(r => text is null || r.Text == text).Seq;

    private static async Task<string> HeadHashAsync(TestDatabase db) =>
        (await db.RowsAsync("SELECT hash FROM audit_heads WHERE organization_id = @org", r => r.GetString(0), ("@org", db.OrganizationId)))[0];
}
