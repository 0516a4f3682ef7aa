using Optline.Server.Outbox;

namespace Optline.Server.Tests.Outbox;

/// <summary>Carrier pacing of one sending number: never faster than its rate, a backlog included (issue 3, item 4).</summary>
public sealed class SenderPaceTests
{
    private static readonly DateTimeOffset T0 = new(2026, 6, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public void A_backlog_due_long_ago_drains_at_the_configured_rate_not_faster()
    {
        var calls = Drain(new SenderPace(Second), Enumerable.Repeat(T0 - TimeSpan.FromMinutes(5), 10).ToList(), start: T0, RecheckTimes());

        Assert.All(calls.Zip(calls.Skip(1)), pair => Assert.True(pair.Second - pair.First >= Second, $"{pair.First:O} then {pair.Second:O}"));
        Assert.InRange(calls[^1] - calls[0], 9 * Second, (9 * Second) + TimeSpan.FromMilliseconds(40));
    }

    [Fact]
    public void A_slow_recheck_delays_the_next_call_but_never_brings_two_calls_closer_than_a_slot()
    {
        var due = Enumerable.Range(0, 20).Select(i => T0 + (i * Second)).ToList();

        var calls = Drain(new SenderPace(Second), due, start: T0, RecheckTimes());

        Assert.All(calls.Zip(calls.Skip(1)), pair => Assert.True(pair.Second - pair.First >= Second));
        // Lateness is the slowest re-check so far, not the sum of them: the rate over the backlog stays the configured one.
        Assert.InRange(calls[^1] - due[^1], TimeSpan.Zero, TimeSpan.FromMilliseconds(30));
    }

    [Fact]
    public void Timers_that_fire_late_do_not_lower_the_rate_of_a_fast_number()
    {
        var slot = TimeSpan.FromMilliseconds(12.5);
        var pace = new SenderPace(slot);
        var due = Enumerable.Range(0, 801).Select(i => T0 + (i * slot)).ToList();
        var now = T0;
        var calls = new List<DateTimeOffset>();
        foreach (var wake in due.Select(pace.Schedule))
        {
            // As the lane does: wait for the later of the slot and the message's time, on a timer that fires 0.4 ms late.
            var wait = pace.UntilCall(now) > wake - now ? pace.UntilCall(now) : wake - now;
            if (wait > TimeSpan.Zero)
            {
                now += wait + TimeSpan.FromMilliseconds(0.4);
                pace.Called(now - TimeSpan.FromMilliseconds(0.4));
            }
            else
            {
                pace.Called(now);
            }

            calls.Add(now);
        }

        var rate = (calls.Count - 1) / (calls[^1] - calls[0]).TotalSeconds;
        Assert.InRange(rate, 79.9, 80.0);
        Assert.All(calls.Zip(calls.Skip(1)), pair => Assert.True(pair.Second - pair.First >= slot - TimeSpan.FromMilliseconds(0.4)));
    }

    [Fact]
    public void Messages_due_a_slot_apart_wake_when_they_are_due()
    {
        var pace = new SenderPace(TimeSpan.FromMilliseconds(12.5));
        var due = Enumerable.Range(0, 8).Select(i => T0 + TimeSpan.FromMilliseconds(12.5 * i)).ToList();

        Assert.Equal(due, due.Select(pace.Schedule));
    }

    [Fact]
    public void A_number_idle_for_a_while_sends_its_next_message_when_it_is_due()
    {
        var pace = new SenderPace(Second);
        pace.Schedule(T0);
        pace.Called(T0);

        Assert.Equal(T0 + TimeSpan.FromMinutes(1), pace.Schedule(T0 + TimeSpan.FromMinutes(1)));
        Assert.Equal(TimeSpan.Zero, pace.UntilCall(T0 + TimeSpan.FromMinutes(1)));
    }

    /// <summary>The lane's steps on a virtual clock: wake at the scheduled time, re-check (taking some time), wait for the call's slot, call.</summary>
    private static List<DateTimeOffset> Drain(SenderPace pace, IReadOnlyList<DateTimeOffset> due, DateTimeOffset start, IEnumerator<TimeSpan> recheck)
    {
        var wakes = due.Select(pace.Schedule).ToList();
        var now = start;
        var calls = new List<DateTimeOffset>();
        foreach (var wake in wakes)
        {
            now = wake > now ? wake : now;
            recheck.MoveNext();
            now += recheck.Current;
            now += pace.UntilCall(now);
            pace.Called(now);
            calls.Add(now);
        }

        return calls;
    }

    /// <summary>Re-checks of uneven length: 2, 30, 1, 12, 0, 25 ms, over and over.</summary>
    private static IEnumerator<TimeSpan> RecheckTimes()
    {
        int[] ms = [2, 30, 1, 12, 0, 25];
        for (var i = 0; ; i++)
        {
            yield return TimeSpan.FromMilliseconds(ms[i % ms.Length]);
        }
    }
}
