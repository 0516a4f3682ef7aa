using Microsoft.Extensions.Time.Testing;
using Optline.Core.Consent;
using Optline.Server.Outbox;
using Optline.Storage.Outbox;

namespace Optline.Server.Tests.Outbox;

/// <summary>The dispatcher claims for each sending number only what it may send within the claim lookahead.</summary>
public sealed class SenderLanesTests
{
    private static readonly OutboxOptions Options = new() { ClaimLookahead = TimeSpan.FromMilliseconds(500) };

    [Fact]
    public void A_long_code_with_a_backlog_is_given_one_message_per_claim_and_other_numbers_theirs()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 6, 1, 9, 0, 0, TimeSpan.Zero));
        var lanes = new SenderLanes(Options, time, (_, _, _) => Task.CompletedTask);
        var now = time.GetUtcNow();
        List<ClaimedSend> candidates = [.. Enumerable.Range(0, 10).Select(i => Send(i, lineId: 1, Channel.Sms, "+12015550100", now)), Send(10, lineId: 2, Channel.Sms, "+12015550101", now)];

        var chosen = lanes.Choose(candidates);

        Assert.Equal([0L, 10L], chosen.Select(c => c.OutboxId));
    }

    [Fact]
    public void A_whatsapp_number_at_eighty_per_second_is_given_what_fits_in_the_lookahead()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 6, 1, 9, 0, 0, TimeSpan.Zero));
        var lanes = new SenderLanes(Options, time, (_, _, _) => Task.CompletedTask);
        var now = time.GetUtcNow();

        var chosen = lanes.Choose([.. Enumerable.Range(0, 100).Select(i => Send(i, lineId: 1, Channel.WhatsApp, "+12015550100", now))]);

        Assert.Equal(41, chosen.Count); // 0, 12.5, … 500 ms
    }

    [Fact]
    public async Task A_number_whose_lane_holds_a_messages_slot_is_skipped_by_the_next_claim_until_the_slot_is_near()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 6, 1, 9, 0, 0, TimeSpan.Zero));
        var sending = new TaskCompletionSource();
        var lanes = new SenderLanes(Options, time, (_, _, _) => sending.Task);
        var now = time.GetUtcNow();
        using var stop = new CancellationTokenSource();
        lanes.Enqueue([Send(0, lineId: 1, Channel.Sms, "+12015550100", now)], now, stop.Token);

        Assert.Equal([ClaimedSend.SenderKey(1, Channel.Sms)], lanes.Full());
        Assert.Empty(lanes.Choose([Send(1, lineId: 1, Channel.Sms, "+12015550100", now)]));
        time.Advance(TimeSpan.FromMilliseconds(600));
        Assert.Single(lanes.Choose([Send(1, lineId: 1, Channel.Sms, "+12015550100", now)]));

        sending.SetResult();
        await stop.CancelAsync();
        await lanes.DrainAsync();
        Assert.Equal(0, lanes.Pending);
    }

    [Fact]
    public void A_toll_free_number_is_paced_at_three_per_second()
    {
        Assert.Equal(333_333, Options.SlotMicroseconds(Channel.Sms, "+18885550100"));
        Assert.Equal(1_000_000, Options.SlotMicroseconds(Channel.Sms, "+12015550100"));
        Assert.Equal(12_500, Options.SlotMicroseconds(Channel.WhatsApp, "+18885550100"));
    }

    private static ClaimedSend Send(long id, long lineId, Channel channel, string from, DateTimeOffset due) =>
        new(id, Guid.NewGuid(), 1, 100 + id, 1, channel, from, "+12125550100", "Statement ready", null, false, "Alice", lineId, due);
}
