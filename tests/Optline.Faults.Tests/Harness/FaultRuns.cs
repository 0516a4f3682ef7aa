using System.Diagnostics;

namespace Optline.Faults;

/// <summary>How long and how hard each fault run goes: <see cref="Short"/> for the test suite, <see cref="Long"/> for the bench.</summary>
public sealed record FaultScale
{
    public static readonly FaultScale Short = new();

    public static readonly FaultScale Long = new()
    {
        KillCycles = 20,
        PhonesPerCycle = 14,
        Concurrency = 16,
        UpTime = (TimeSpan.FromMilliseconds(400), TimeSpan.FromMilliseconds(2500)),
        CarrierOutage = TimeSpan.FromSeconds(20),
        CarrierPhones = 400,
        DatabaseOutages = 3,
        DatabaseOutage = TimeSpan.FromSeconds(20),
        DatabasePhones = 400,
        DuplicatePhones = 80,
        RacePhones = 150,
    };

    public int KillCycles { get; init; } = 3;

    public int PhonesPerCycle { get; init; } = 6;

    public int Concurrency { get; init; } = 8;

    /// <summary>How long the server runs before each SIGKILL: a random moment in this range.</summary>
    public (TimeSpan Min, TimeSpan Max) UpTime { get; init; } = (TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(1200));

    /// <summary>How long the carrier answers 500 (and, after it, 429 with Retry-After); plus one hang beyond the client timeout.</summary>
    public TimeSpan CarrierOutage { get; init; } = TimeSpan.FromSeconds(2);

    public int CarrierPhones { get; init; } = 12;

    public int DatabaseOutages { get; init; } = 1;

    public TimeSpan DatabaseOutage { get; init; } = TimeSpan.FromSeconds(3);

    public int DatabasePhones { get; init; } = 12;

    public int DuplicatePhones { get; init; } = 16;

    public int RacePhones { get; init; } = 20;
}

/// <summary>The fault runs: each drives real traffic through a real server, injects its fault, and checks every invariant.</summary>
public static class FaultRuns
{
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(90);

    /// <summary>SIGKILL at random moments under traffic, restarting each time, then let it settle and check.</summary>
    public static async Task<RunReport> KillCyclesAsync(FaultScale scale, PostgresCluster? postgres = null, int seed = 1)
    {
        var clock = Stopwatch.StartNew();
        await using var rig = await Rig.StartAsync(new RigOptions { Name = "kill", Postgres = postgres });
        var traffic = new Traffic(rig, new TrafficOptions(), seed);
        using var stop = new CancellationTokenSource();
        var running = traffic.RunAsync(scale.KillCycles * scale.PhonesPerCycle + scale.PhonesPerCycle, scale.Concurrency, stop.Token);
        var random = new Random(seed);
        for (var cycle = 0; cycle < scale.KillCycles; cycle++)
        {
            // A random moment: the fault schedule, not a wait for an effect.
            await Task.Delay(Between(random, scale.UpTime));
            rig.Kill();
            await rig.RestartAsync();
        }

        await stop.CancelAsync();
        await running;
        return await SettleAndCheckAsync(rig, "SIGKILL at random moments, restart", scale.KillCycles, clock);
    }

    /// <summary>
    /// The carrier fails for a while — 429 with Retry-After, then 500s, then a hang beyond Optline's client timeout —
    /// while contacts opt in, the lines write and some contacts say STOP; then it recovers. Everything is sent once, with
    /// backoff, and nothing after a STOP.
    /// </summary>
    public static async Task<RunReport> CarrierOutageAsync(FaultScale scale, int seed = 2)
    {
        var clock = Stopwatch.StartNew();
        await using var rig = await Rig.StartAsync(new RigOptions
        {
            Name = "carrier",
            // Backoff capped at 15 s, so that the run ends soon after the carrier recovers (the default cap is 10 minutes).
            Settings = new Dictionary<string, string>
            {
                ["Outbox__FirstRetryDelay"] = "00:00:00.250", ["Outbox__MaxRetryDelay"] = "00:00:15", ["Outbox__MaxAttempts"] = "30",
            },
        });
        rig.Carrier.RetryAfterSeconds = 2;
        var traffic = new Traffic(rig, new TrafficOptions(), seed);
        var outage = Task.Run(async () =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(300));
            rig.Carrier.Mode = CarrierMode.TooManyRequests;
            await Task.Delay(scale.CarrierOutage);
            rig.Carrier.Mode = CarrierMode.ServerError;
            await Task.Delay(scale.CarrierOutage);
            // Last, since a send that hangs holds up the dispatcher until Optline's client timeout (15 s) gives up on it.
            rig.Carrier.Mode = CarrierMode.Hang;
            await Task.Delay(TimeSpan.FromMilliseconds(600));
            rig.Carrier.Mode = CarrierMode.Healthy;
        });
        // New phones keep coming while the carrier is failing (up to CarrierPhones), so sends start at every stage of it.
        using (var over = new CancellationTokenSource())
        {
            var running = traffic.RunAsync(scale.CarrierPhones, scale.Concurrency, over.Token);
            await outage;
            await over.CancelAsync();
            await running;
        }

        await DrainAsync(rig, []);
        var unique = rig.Ledger.Sends.Select(s => s.Body).ToHashSet(StringComparer.Ordinal);
        var violations = CheckBackoff(rig.Carrier.Requests.Where(r => r.Body is not null && unique.Contains(r.Body)).ToList(), rig.Carrier.RetryAfterSeconds,
            TimeSpan.FromSeconds(15)).ToList();
        var attempts = rig.Carrier.Requests.GroupBy(r => (r.To, r.Body)).Select(g => g.Count()).DefaultIfEmpty().Max();
        var hung = rig.Carrier.Requests.Count(r => r.Mode == CarrierMode.Hang);
        var notes = new List<string> { $"the carrier refused {rig.Carrier.Requests.Count(r => !r.Accepted)} request(s): " +
            $"{rig.Carrier.Requests.Count(r => r.Status == 500 && r.Mode == CarrierMode.ServerError)} × 500, {hung} hung, {rig.Carrier.Requests.Count(r => r.Status == 429)} × 429; " +
            $"at most {attempts} attempts for one message" };
        if (hung == 0)
        {
            notes.Add("no send happened to arrive during the hang");
        }

        return await SettleAndCheckAsync(rig, "carrier 500 / hang / 429, then recovers", 1, clock, violations, notes);
    }

    /// <summary>
    /// PostgreSQL stopped (<c>pg_ctl stop -m immediate</c>) under traffic and started again: webhooks get 503 and are
    /// retried; nothing acknowledged is lost; Optline recovers by itself, with no restart.
    /// </summary>
    public static async Task<RunReport> DatabaseOutageAsync(FaultScale scale, PostgresCluster postgres, int seed = 3)
    {
        var clock = Stopwatch.StartNew();
        await using var rig = await Rig.StartAsync(new RigOptions
        {
            Name = "pg-outage",
            Postgres = postgres,
            // The default claim timeout: the dispatcher keeps trying to record a send the carrier accepted while it holds the claim.
            Settings = new Dictionary<string, string> { ["Outbox__ClaimTimeout"] = "00:01:00" },
        });
        var traffic = new Traffic(rig, new TrafficOptions { DeliveryDeadline = scale.DatabaseOutage + TimeSpan.FromSeconds(60) }, seed);
        var violations = new List<string>();
        var notes = new List<string>();
        var pid = rig.Process.Id;
        var writersDuringOutages = new List<Task>();
        var outages = Task.Run(async () =>
        {
            for (var i = 0; i < scale.DatabaseOutages; i++)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(700));
                var from = Clock.Now;
                await postgres.StopImmediatelyAsync();
                // A contact who writes while the database is down, whether or not the traffic's scripts still run then.
                writersDuringOutages.Add(traffic.RunScriptAsync(Scripts.ContactFirstAsync, 1));
                await Task.Delay(scale.DatabaseOutage);
                await postgres.StartAgainAsync();
                var to = Clock.Now;
                rig.Ledger.DatabaseDown(from, to);
                var recovered = await FirstAcknowledgedWebhookAsync(rig, TimeSpan.FromSeconds(30));
                if (recovered is { } after)
                {
                    notes.Add($"outage {i + 1}: webhooks acknowledged again {(after - to).TotalMilliseconds:0} ms after PostgreSQL was back");
                }
                else
                {
                    violations.Add($"RECOVERY: outage {i + 1}: no webhook was acknowledged within 30 s of PostgreSQL being back");
                }
            }
        });
        using (var over = new CancellationTokenSource())
        {
            var running = traffic.RunAsync(scale.DatabasePhones, scale.Concurrency, over.Token);
            await outages;
            await over.CancelAsync();
            await running;
            await Task.WhenAll(writersDuringOutages);
        }

        if (rig.Process.HasExited || rig.Process.Id != pid || rig.Restarts > 0)
        {
            violations.Add("RECOVERY: the server process did not survive the database outage");
        }

        var during = rig.Ledger.WebhookStatuses.Where(s => rig.Ledger.DatabaseOutages.Any(o => s.At >= o.From && s.At <= o.To)).ToList();
        notes.Add($"during the outage(s) webhooks got: {string.Join(", ", during.GroupBy(s => s.Status).OrderBy(g => g.Key).Select(g => $"{g.Count()} × {g.Key}"))}");
        if (!during.Any(s => s.Status == 503))
        {
            violations.Add("no webhook was answered 503 while the database was down");
        }

        return await SettleAndCheckAsync(rig, "PostgreSQL stopped (immediate) and restarted", scale.DatabaseOutages, clock, violations, notes);
    }

    /// <summary>Every webhook delivered 2–5 times (at once and later) and chatter out of order; no other fault.</summary>
    public static async Task<RunReport> DuplicatesAndReorderingAsync(FaultScale scale, PostgresCluster? postgres = null, int seed = 4)
    {
        var clock = Stopwatch.StartNew();
        await using var rig = await Rig.StartAsync(new RigOptions { Name = "dups", Postgres = postgres });
        var traffic = new Traffic(rig, new TrafficOptions { DuplicateRate = 1.0, ReorderRate = 0.5 }, seed);
        await traffic.RunAsync(scale.DuplicatePhones, scale.Concurrency);
        var copies = rig.Ledger.Inbound.Sum(i => i.Attempts.Count);
        return await SettleAndCheckAsync(rig, "each webhook 2–5 times, reordered", 1, clock,
            extraNotes: [$"{rig.Ledger.Inbound.Count} inbound message(s) delivered {copies} times"]);
    }

    /// <summary>
    /// STOP racing with queued sends (a burst of the line's messages, the STOP sent at the same moment) and with the
    /// release of held messages (YES, then STOP at once): a slow carrier keeps sends in flight.
    /// </summary>
    public static async Task<RunReport> StopRacesAsync(FaultScale scale, PostgresCluster? postgres = null, int seed = 5)
    {
        var clock = Stopwatch.StartNew();
        await using var rig = await Rig.StartAsync(new RigOptions
        {
            Name = "races",
            Postgres = postgres,
            Lines = 2,
            // A backlog per sending number, so STOPs land on queued messages, not only on an empty outbox.
            Settings = new Dictionary<string, string> { ["Outbox__SmsMessagesPerSecond"] = "40" },
        });
        rig.Carrier.AcceptDelay = TimeSpan.FromMilliseconds(15);
        var traffic = new Traffic(rig, new TrafficOptions { DuplicateRate = 0.2, ThinkTime = TimeSpan.FromMilliseconds(5) }, seed);
        await Task.WhenAll(
            traffic.RunScriptAsync(StopAgainstBurstAsync, scale.RacePhones / 2),
            traffic.RunScriptAsync(StopAgainstReleaseAsync, scale.RacePhones - (scale.RacePhones / 2)));
        return await SettleAndCheckAsync(rig, "STOP racing queued sends and held releases", 1, clock);
    }

    private static async Task StopAgainstBurstAsync(Phone phone, Random random)
    {
        await phone.TextAsync(phone.Chatter());
        await phone.TextAsync("YES");
        var burst = Enumerable.Range(0, random.Next(3, 7)).Select(_ => (Func<Task>)(() => phone.LineWritesAsync())).ToList();
        burst.Insert(random.Next(burst.Count + 1), () => phone.TextAsync("STOP"));
        await phone.AtOnceAsync([.. burst]);
        await phone.LineWritesAsync();
    }

    private static async Task StopAgainstReleaseAsync(Phone phone, Random random)
    {
        for (var i = random.Next(2, 5); i > 0; i--)
        {
            await phone.LineWritesAsync();
        }

        await phone.TextAsync("YES");
        await phone.TextAsync("STOP");
        await phone.LineWritesAsync();
    }

    /// <summary>Waits for the outbox to drain, verifies the chain with the server still up, stops it and checks every invariant.</summary>
    public static async Task<RunReport> SettleAndCheckAsync(
        Rig rig, string fault, int runs, Stopwatch clock, IEnumerable<string>? extraViolations = null, IEnumerable<string>? extraNotes = null)
    {
        var violations = new List<string>(extraViolations ?? []);
        await DrainAsync(rig, violations);
        var chain = await rig.VerifyChainAsync();
        await rig.StopAsync();
        var store = rig.Snapshot();
        var replayed = rig.Ledger.Sends.Count(s => s.Replayed);
        if (replayed > 0)
        {
            extraNotes = [.. extraNotes ?? [], $"{replayed} API send(s) sent again with their idempotency key got the first answer"];
        }

        var report = Invariants.Check(rig, store, chain, fault, runs, clock.Elapsed, violations, extraNotes);
        if (!report.Holds)
        {
            // Keep the database, the server's log and the carrier's record for whoever looks into it.
            rig.Keep();
            report = report with { Notes = [.. report.Notes, $"the run's data is kept in {rig.Directory}"] };
        }

        return report;
    }

    private static async Task DrainAsync(Rig rig, List<string> violations)
    {
        try
        {
            await rig.WaitForOutboxDrainAsync(Drain);
        }
        catch (TimeoutException ex)
        {
            violations.Add("DRAIN: " + ex.Message);
        }
    }

    /// <summary>
    /// Backoff as promised: after a 429 the same message is not tried again before its Retry-After; after 500s the
    /// pauses between attempts of one message do not shrink (exponential, with jitter in [½, 1]) until they reach the
    /// configured cap. The requests given must each carry a body no other message has, so that a
    /// body names one message.
    /// </summary>
    public static IEnumerable<string> CheckBackoff(IReadOnlyList<CarrierRequest> requests, int retryAfterSeconds, TimeSpan cap)
    {
        var slack = TimeSpan.FromMilliseconds(150);
        foreach (var message in requests.Where(r => r.Channel == "sms").GroupBy(r => (r.To, r.Body)))
        {
            var attempts = message.OrderBy(r => r.Arrived).ToList();
            for (var i = 1; i < attempts.Count; i++)
            {
                var previous = attempts[i - 1];
                var pause = attempts[i].Arrived - previous.Answered;
                if (previous.Status == 429 && pause < TimeSpan.FromSeconds(retryAfterSeconds) - slack)
                {
                    yield return $"BACKOFF: '{message.Key.Body}' was tried again {pause.TotalMilliseconds:0} ms after a 429 asking for {retryAfterSeconds} s";
                }

                // Below the cap each pause is at least the one before (2× the delay, jitter in [½, 1]); at the cap, jitter alone.
                if (i >= 2 && previous.Status == 500 && attempts[i - 2].Status == 500 && previous.Arrived - attempts[i - 2].Answered < cap / 2)
                {
                    var before = previous.Arrived - attempts[i - 2].Answered;
                    if (pause < before * 0.9 - slack)
                    {
                        yield return $"BACKOFF: '{message.Key.Body}' waited {pause.TotalMilliseconds:0} ms after waiting {before.TotalMilliseconds:0} ms before (not exponential)";
                    }
                }
            }
        }
    }

    private static async Task<TimeSpan?> FirstAcknowledgedWebhookAsync(Rig rig, TimeSpan timeout)
    {
        var since = Clock.Now;
        var until = since + timeout;
        while (Clock.Now < until)
        {
            if (rig.Ledger.WebhookStatuses.FirstOrDefault(s => s.At > since && s.Status is >= 200 and < 300) is { At: var at } && at > since)
            {
                return at;
            }

            await Task.Delay(50);
        }

        return null;
    }

    private static TimeSpan Between(Random random, (TimeSpan Min, TimeSpan Max) range) =>
        range.Min + TimeSpan.FromMilliseconds(random.NextDouble() * (range.Max - range.Min).TotalMilliseconds);
}
