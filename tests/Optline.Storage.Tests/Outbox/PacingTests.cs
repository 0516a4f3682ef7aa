using Optline.Core.Consent;
using Optline.Storage.Organizations;
using Optline.Storage.Outbox;
using Optline.Storage.Tests.Support;

namespace Optline.Storage.Tests.Outbox;

/// <summary>Each sending number is paced to its carrier's rate: a backlog is spread over send slots, not refused.</summary>
public sealed class PacingTests
{
    [Theory, AllDatabases]
    public async Task Ten_messages_from_one_number_at_one_per_second_fall_due_a_second_apart(string provider)
    {
        await using var db = await SendOutcomeTests.UngatedAsync(provider);

        var due = await EnqueueAsync(db, db.Line, 10);

        var now = db.Time.GetUtcNow().ToUnixTimeMilliseconds();
        Assert.Equal(Enumerable.Range(0, 10).Select(i => now + (i * 1000L)), due);
    }

    [Theory, AllDatabases]
    public async Task At_eighty_per_second_messages_fall_due_twelve_and_a_half_milliseconds_apart(string provider)
    {
        await using var db = await SendOutcomeTests.UngatedAsync(provider, new OutboxOptions { SmsMessagesPerSecond = 80 });

        var due = await EnqueueAsync(db, db.Line, 10);

        var now = db.Time.GetUtcNow().ToUnixTimeMilliseconds();
        for (var i = 0; i < due.Count; i++)
        {
            Assert.InRange(due[i] - now, (i * 12.5) - 1, (i * 12.5) + 1);
        }
    }

    [Theory, AllDatabases]
    public async Task Another_number_is_not_delayed_by_the_first_numbers_backlog(string provider)
    {
        await using var db = await SendOutcomeTests.UngatedAsync(provider);
        var bob = await db.AddLineAsync("+12015550200", "Bob Stone");
        await EnqueueAsync(db, db.Line, 10);

        var due = await EnqueueAsync(db, bob, 2);

        var now = db.Time.GetUtcNow().ToUnixTimeMilliseconds();
        Assert.Equal([now, now + 1000], due);
    }

    [Theory, AllDatabases]
    public async Task An_idle_number_starts_again_from_now_not_from_its_old_slot(string provider)
    {
        await using var db = await SendOutcomeTests.UngatedAsync(provider);
        await EnqueueAsync(db, db.Line, 3);
        db.Time.Advance(TimeSpan.FromMinutes(1));

        var due = await EnqueueAsync(db, db.Line, 1, first: 3);

        Assert.Equal([db.Time.GetUtcNow().ToUnixTimeMilliseconds()], due);
    }

    private static async Task<IReadOnlyList<long>> EnqueueAsync(TestDatabase db, Line line, int count, int first = 0)
    {
        for (var i = first; i < first + count; i++)
        {
            await db.Conversations.LineSendAsync(line, $"+1201555{i:0000}", Channel.Sms, $"Statement {i}", "test");
        }

        var due = await db.RowsAsync("SELECT o.due_at FROM outbox o JOIN conversations c ON c.id = o.conversation_id WHERE c.line_id = @line ORDER BY o.id",
            r => r.GetInt64(0), ("@line", line.Id));
        return [.. due.Skip(first)];
    }
}
