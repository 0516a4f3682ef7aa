using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Optline.Channels.Sending;
using Optline.Channels.Twilio;
using Optline.Channels.WhatsApp;
using Optline.Server.Outbox;
using Optline.Storage.Conversations;
using Optline.Storage.Database;
using Optline.Storage.Organizations;
using Optline.Storage.Outbox;

namespace Optline.Load;

/// <summary>An in-process fake channel: accepts every message at once and notes when it arrived (Stopwatch ticks).</summary>
public sealed class FakeChannel : IChannelSender
{
    private long _count;

    public ConcurrentQueue<(string From, long Ticks, string Body)> Sends { get; } = new();

    public bool Record { get; init; }

    public long Count => Interlocked.Read(ref _count);

    public Task<SendResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        var n = Interlocked.Increment(ref _count);
        if (Record)
        {
            Sends.Enqueue((message.From, Stopwatch.GetTimestamp(), message.Body));
        }

        return Task.FromResult(SendResult.Sent("fake-" + n.ToString(CultureInfo.InvariantCulture)));
    }
}

/// <summary>
/// The server's own <see cref="OutboxDispatcher"/>, built outside the server around a channel of our choosing (every
/// channel goes to it): claims, lanes and pacing, consent re-checks, sends and records exactly as in production.
/// </summary>
public sealed class InProcessDispatcher(OptlineDatabase database, OrganizationStore organizations, OutboxOptions options, IChannelSender channel, TimeProvider time)
{
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        var outbox = new OutboxStore(database, organizations, options);
        var reports = new DeliveryReports(outbox, organizations, new ConversationService(database, organizations, options));
        using var dispatcher = new OutboxDispatcher(outbox, ChannelRouter.Always(channel), reports, new SendsInFlight(), Options.Create(options),
            Options.Create(new WhatsAppOptions()), Options.Create(new TwilioOptions()), time, NullLogger<OutboxDispatcher>.Instance);
        await dispatcher.StartAsync(CancellationToken.None);
        try
        {
            await Task.Delay(Timeout.Infinite, stoppingToken);
        }
        catch (OperationCanceledException)
        {
            // The run is over.
        }

        await dispatcher.StopAsync(CancellationToken.None);
    }
}

/// <summary>A clock that, once started, reads <see cref="Origin"/> a chosen lead time later, and runs at the real rate.</summary>
public sealed class ShiftedTime(DateTimeOffset origin) : TimeProvider
{
    private long _shiftTicks;

    public DateTimeOffset Origin { get; } = origin;

    public long StartTimestamp { get; private set; }

    /// <summary>From now on the clock reads <see cref="Origin"/> minus <paramref name="lead"/>, and runs on.</summary>
    public void Start(TimeSpan lead)
    {
        StartTimestamp = Stopwatch.GetTimestamp() + (long)(lead.TotalSeconds * Stopwatch.Frequency);
        _shiftTicks = (Origin - lead - System.GetUtcNow()).Ticks;
    }

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow().AddTicks(Interlocked.Read(ref _shiftTicks));

    /// <summary>Milliseconds on this clock at a Stopwatch timestamp (StartTimestamp is when it reads the origin).</summary>
    public double MsAt(long timestamp) => Origin.ToUnixTimeMilliseconds() + ((timestamp - StartTimestamp) * 1000.0 / Stopwatch.Frequency);
}

/// <summary>What pacing looked like for one configured rate across all sending numbers.</summary>
public sealed record PacingResult(double Rate, int Numbers, TimeSpan Window, double MedianError, double MaxError, double MedianAchieved,
    double P99LatenessMs, double AggregatePerSecond, int NumbersMeasured, int NumbersBehind);

public static class Pacing
{
    /// <summary>
    /// Per number: the sends whose carrier time falls in the window, rate = (n - 1) / (last - first), compared with the
    /// configured rate; lateness = send time - due time (the due time is carried in the body).
    /// </summary>
    public static PacingResult Analyse(FakeChannel channel, ShiftedTime clock, double rate, int numbers, TimeSpan window, Func<string, bool>? fromNumber = null)
    {
        var start = clock.Origin.ToUnixTimeMilliseconds();
        var end = start + window.TotalMilliseconds;
        var byNumber = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        var lateness = new List<double>();
        long inWindow = 0;
        foreach (var (from, ticks, body) in channel.Sends)
        {
            var at = clock.MsAt(ticks);
            if (at < start || at >= end || !body.StartsWith("pace:", StringComparison.Ordinal) || (fromNumber is not null && !fromNumber(from)))
            {
                continue;
            }

            inWindow++;
            if (!byNumber.TryGetValue(from, out var list))
            {
                byNumber[from] = list = [];
            }

            list.Add(at);
            lateness.Add(at - long.Parse(body.AsSpan(5), CultureInfo.InvariantCulture));
        }

        var errors = new List<double>();
        var achieved = new List<double>();
        var behind = 0;
        foreach (var times in byNumber.Values.Where(t => t.Count >= 2))
        {
            times.Sort();
            var observed = (times.Count - 1) / ((times[^1] - times[0]) / 1000.0);
            achieved.Add(observed);
            errors.Add(Math.Abs(observed - rate) / rate);
            if (observed < rate * 0.99)
            {
                behind++;
            }
        }

        return new PacingResult(rate, numbers, window, Percentiles.Of(errors, 50), errors.Count == 0 ? double.NaN : errors.Max(), Percentiles.Of(achieved, 50),
            Percentiles.Of(lateness, 99), inWindow / window.TotalSeconds, errors.Count, behind);
    }

    /// <summary>Due time of row i in SQL: number k = i mod numbers gets slots j = i / numbers, one every 1/rate s from the origin, as sender_slots spaces them.</summary>
    public static string DueSql(long originMs, int numbers, double rate) =>
        $"{originMs.ToString(CultureInfo.InvariantCulture)} + ((i / {numbers.ToString(CultureInfo.InvariantCulture)}) * {((long)Math.Round(1_000_000 / rate)).ToString(CultureInfo.InvariantCulture)}) / 1000";
}

/// <summary>A raw loop of single-row insert transactions: the durable-commit rate the database and disk give without Optline.</summary>
public static class RawCommits
{
    public static async Task<double> PerSecondAsync(Dialect dialect, TimeSpan duration, int loops = 1)
    {
        await using (var setup = dialect.CreateConnection())
        {
            await setup.OpenAsync();
            await dialect.PrepareAsync(setup, CancellationToken.None);
            await using var create = setup.CreateCommand();
            create.CommandText = dialect.IsPostgres
                ? "CREATE TABLE IF NOT EXISTS bench_raw (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, v TEXT NOT NULL, at BIGINT NOT NULL)"
                : "CREATE TABLE IF NOT EXISTS bench_raw (id INTEGER PRIMARY KEY, v TEXT NOT NULL, at INTEGER NOT NULL)";
            await create.ExecuteNonQueryAsync();
        }

        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var counts = new long[loops];
        var start = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, loops).Select(l => Task.Run(async () =>
        {
            await using var connection = dialect.CreateConnection();
            await connection.OpenAsync();
            await dialect.PrepareAsync(connection, CancellationToken.None);
            for (var n = 0; n < 10_000_000 && Stopwatch.GetTimestamp() < end; n++)
            {
                await using var transaction = await connection.BeginTransactionAsync();
                await using var insert = connection.CreateCommand();
                insert.Transaction = transaction;
                insert.CommandText = "INSERT INTO bench_raw (v, at) VALUES (@v, @at)";
                var v = insert.CreateParameter();
                v.ParameterName = "@v";
                v.Value = "ordinary message from a contact";
                insert.Parameters.Add(v);
                var at = insert.CreateParameter();
                at.ParameterName = "@at";
                at.Value = (long)n;
                insert.Parameters.Add(at);
                await insert.ExecuteNonQueryAsync();
                await transaction.CommitAsync();
                counts[l]++;
            }
        })));
        return counts.Sum() / Stopwatch.GetElapsedTime(start).TotalSeconds;
    }
}
