using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Optline.Core.Consent;
using Optline.Core.Phones;
using Optline.Storage.Conversations;
using Optline.Storage.Database;
using Optline.Storage.Organizations;
using Optline.Storage.Outbox;

namespace Optline.Load;

/// <summary>Runs the phases in order, each bounded in time, and prints the one table.</summary>
public sealed partial class Harness(LoadOptions options)
{
    // Number plan: lines +1 201 2xx xxxx; contacts +1 212 2xx xxxx, one block per pool.
    private const long LineBase = 2012000000;
    private const long OptedInBase = 2122000000;
    private const long PendingBase = 2123000000;
    private const long NewBase = 2124000000;
    private const long FootprintBase = 2125000000;
    private const long OutboxContactBase = 2127000000;
    private const long TollFreeBase = 8332000000;
    private const int WebhookLines = 100;

    private readonly Report _report = new();
    private readonly Durations _t = options.Time;
    private string _data = "";
    private double _fsyncMs = double.NaN;
    private double _busyFsyncP99Ms = double.NaN;
    private double _b0Post = double.NaN;
    private double _w1 = double.NaN;
    private double _b0Get = double.NaN;
    private double _rawSqlite = double.NaN;
    private double _rawPostgres = double.NaN;

    private static long NowMs => TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();

    public async Task<int> RunAsync()
    {
        _data = options.DataDirectory ?? Directory.CreateTempSubdirectory("optline-load-").FullName;
        Directory.CreateDirectory(_data);
        var started = TimeProvider.System.GetUtcNow();
        var loadBefore = Machine.LoadAverage();
        Log.Line($"Optline load harness: {(options.Quick ? "quick" : "full")} run, pid {Environment.ProcessId}, data in {_data}, load average {loadBefore}");
        CheckNumberPlan();
        try
        {
            await PhaseAsync("fsync", FsyncAsync);
            await PhaseAsync("webhooks", () => WebhooksAsync(postgres: null));
            await PhaseAsync("storage", () => StorageAsync(postgres: null));
            await PhaseAsync("outbox", OutboxAsync);
            await PhaseAsync("pacing", PacingAsync);
            await PhaseAsync("footprint", FootprintAsync);
            if (options.Postgres)
            {
                await PhaseAsync("postgres", PostgresAsync);
            }
        }
        finally
        {
            if (!options.Keep && options.DataDirectory is null)
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                try
                {
                    Directory.Delete(_data, recursive: true);
                }
                catch (IOException)
                {
                    Log.Line($"could not delete {_data}");
                }
            }
        }

        var machine = Machine.Describe();
        var header = $"Optline load run {started:yyyy-MM-dd HH:mm} UTC · {(options.Quick ? "--quick" : "full")}{(options.Postgres ? " --postgres" : "")}{(options.Mix == TrafficMix.Realistic ? "" : $" · mix: {options.Mix}")} · " +
            $"{machine["cores"]} cores, {machine["os"]}, {machine["runtime"]} · load average before {loadBefore}, after {Machine.LoadAverage()} · " +
            $"took {(TimeProvider.System.GetUtcNow() - started).TotalMinutes:0.0} min";
        Console.WriteLine();
        Console.WriteLine(_report.Text(header));
        if (options.MarkdownPath is { } markdown)
        {
            await File.WriteAllTextAsync(markdown, _report.Markdown(header));
        }

        return 0;
    }

    private async Task PhaseAsync(string name, Func<Task> phase)
    {
        if (!options.Runs(name))
        {
            return;
        }

        Log.Line($"phase {name} (load average {Machine.LoadAverage()})");
        try
        {
            await phase();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Log.Line($"phase {name} failed: {ex}");
            _report.Add(new Row(name, $"phase failed: {ex.GetType().Name}: {ex.Message}", "—"));
        }
    }

    /// <summary>Every number the harness uses must be one Optline accepts as it is (E.164, valid).</summary>
    private static void CheckNumberPlan()
    {
        foreach (var n in new[] { LineBase, LineBase + 999, OptedInBase, PendingBase + 99_999, NewBase + 999_999, FootprintBase, FootprintBase + 999_999, OutboxContactBase })
        {
            var number = ContactPools.Contact(n);
            if (!PhoneNumbers.TryNormalize(number, out var e164, out var error) || e164 != number)
            {
                throw new InvalidOperationException($"{number} is not a number Optline accepts as is ({error}); change the number plan.");
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ fsync

    private Task FsyncAsync()
    {
        var (median, p99, mean) = FsyncProbe.Measure(_data, _t.FsyncSamples);
        _fsyncMs = median;
        _report.Add(new Row("F1", "fsync of the data directory",
            $"median {Fmt.Ms(median)}, p99 {Fmt.Ms(p99)}, mean {Fmt.Ms(mean)}", Goal: "bounds durable latency", Detail: $"write 512 B at offset 0 + fsync, {_t.FsyncSamples} times, in the folder the SQLite files live in"));
        var busy = FsyncProbe.MeasureWithCoresBusy(_data, _t.BusyFsync);
        _busyFsyncP99Ms = busy.P99Ms;
        _report.Add(new Row("F2", "fsync of the data directory, cores busy",
            $"median {Fmt.Ms(busy.MedianMs)}, p99 {Fmt.Ms(busy.P99Ms)}, mean {Fmt.Ms(busy.MeanMs)}", $"F1 p99 {Fmt.Ms(p99)}", Fmt.Ratio(busy.P99Ms / p99), "reported",
            Detail: $"F1 again for {_t.BusyFsync.TotalSeconds:0} s ({busy.Samples:N0} syncs, about 1 ms apart) while {Environment.ProcessorCount} threads of this process spin (no I/O): what a durable commit waits for when the machine is busy, as in the latency runs; the goals still use F1"));
        return Task.CompletedTask;
    }

    private double Fsync => double.IsNaN(_fsyncMs) ? FsyncProbe.Measure(_data, 50).MedianMs : _fsyncMs;

    /// <summary>Issue 7's latency goals at half the maximum: p50 ≤ max(2 ms, 10 × fsync), p99 ≤ max(15 ms, 50 × fsync).</summary>
    private static (double P50Ms, double P99Ms) LatencyGoals(double fsyncMs) => (Math.Max(2, 10 * fsyncMs), Math.Max(15, 50 * fsyncMs));

    private string BusyFsync => double.IsNaN(_busyFsyncP99Ms) ? "" : $" (its p99 with the cores busy, F2: {Fmt.Ms(_busyFsyncP99Ms)})";

    // ------------------------------------------------------------------------------------------------ webhooks

    /// <summary>B0, then the real server: saturation, events per commit, open loop at half the maximum, API sends, consent lookups, bytes per event.</summary>
    private async Task WebhooksAsync(PostgresCluster? postgres)
    {
        var pg = postgres is not null;
        var label = pg ? "PostgreSQL" : "SQLite";
        var connections = pg ? 32 : options.Connections;
        var id = pg ? "P" : "W";

        // B0: the same generator and the same signed forms, to a bare endpoint in this process. Measured before and
        // after the server's saturation run (half the window each), so drift from other load on the machine shows.
        var pools = new ContactPools([.. Enumerable.Range(0, WebhookLines).Select(k => ContactPools.Contact(LineBase + k))],
            OptedInBase, _t.OptedInPool, PendingBase, _t.PendingPool, NewBase + (pg ? 500_000 : 0));
        LoadResult? b0Open = null;
        await using var bare = await BareEndpoint.StartAsync();
        using var bareClient = HttpLoad.Client(bare.Address, Math.Max(connections, 256));
        var bareTraffic = new TwilioTraffic(bare.Address.ToString(), Bench.TwilioAuthToken, Bench.TwilioAccountSid, pools, options.Mix);
        await HttpLoad.ClosedLoopAsync(bareClient, bareTraffic.Next, connections, TimeSpan.Zero, _t.Warmup);
        var b0Before = (await HttpLoad.ClosedLoopAsync(bareClient, bareTraffic.Next, connections, TimeSpan.Zero, _t.Saturation / 2)).PerSecond;
        Log.Line($"B0 POST {b0Before:N0}/s at {connections} connections");

        await using var carrier = await FakeTwilio.StartAsync();
        var connection = pg ? await postgres!.CreateDatabaseAsync("optline_load") : $"Data Source={Path.Combine(_data, "webhooks", "optline.db")}";
        await using var host = await OptlineHost.StartAsync(pg ? "postgres" : "sqlite", connection, carrier.Address);
        using var http = HttpLoad.Client(host.Address, Math.Max(connections, 256));
        await CreateLinesAsync(http, pools.LineNumbers);
        var seeder = new Seeder(host.Database.Dialect);
        var org = await seeder.ScalarAsync("SELECT MIN(id) FROM organizations");
        var lineIds = await seeder.LineIdsAsync(org, LineBase, WebhookLines);
        var now = NowMs;
        await seeder.SeedConversationsAsync(org, lineIds, OptedInBase, _t.OptedInPool, SeedStates.OptedIn, now);
        await seeder.SeedConversationsAsync(org, lineIds, PendingBase, _t.PendingPool, SeedStates.Pending, now);
        Log.Line($"{label}: {WebhookLines} lines, {_t.OptedInPool:N0} opted-in and {_t.PendingPool:N0} pending conversations seeded");

        var optline = new TwilioTraffic(host.Address.ToString(), Bench.TwilioAuthToken, Bench.TwilioAccountSid, pools, options.Mix);
        await HttpLoad.ClosedLoopAsync(http, optline.Next, connections, TimeSpan.Zero, _t.Warmup);
        Log.Line($"{label}: saturation starts ({_t.Saturation.TotalSeconds:0} s)");
        var (before, catchUpsBefore, syncsBefore) = (host.Database.Writer.Stats, host.Database.Writer.CatchUps, host.Database.Writer.LogSyncs);
        var saturated = await HttpLoad.ClosedLoopAsync(http, optline.Next, connections, TimeSpan.Zero, _t.Saturation);
        var (after, catchUpsAfter, syncsAfter) = (host.Database.Writer.Stats, host.Database.Writer.CatchUps, host.Database.Writer.LogSyncs);
        var b0After = (await HttpLoad.ClosedLoopAsync(bareClient, bareTraffic.Next, connections, TimeSpan.Zero, _t.Saturation / 2)).PerSecond;
        var b0Post = (b0Before + b0After) / 2;
        var max = saturated.PerSecond;
        if (!pg)
        {
            (_b0Post, _w1) = (b0Post, max);
        }

        var ratio = max / b0Post;
        var goalRatio = pg ? 0.10 : 0.20;
        Log.Line($"{label} webhooks {max:N0}/s ({saturated.Failed} failed: {string.Join(", ", saturated.FailuresByStatus.Select(f => $"{f.Key}×{f.Value}"))}); mix so far: {optline.Describe()}");
        _report.Add(new Row($"{id}1", $"durable inbound webhooks/s, {label}",
            $"{Fmt.Rate(max)} (p50 {Fmt.Ms(saturated.Percentile(50))}, p99 {Fmt.Ms(saturated.Percentile(99))}; {Failures(saturated)})",
            $"B0 bare Kestrel form read: {Fmt.Rate(b0Post)} (before {Fmt.Rate(b0Before)}, after {Fmt.Rate(b0After)})", Fmt.Ratio(ratio), $"≥ ×{goalRatio:0.00} B0", ratio >= goalRatio, Detail: $"saturation: {connections} connections, closed loop; signed Twilio form posts, 200 only after the commit ({(pg ? "synchronous_commit=on" : "WAL, synchronous=FULL")}); mix: {options.Mix}; B0 = bare Kestrel in this process reading the same form and answering the same TwiML, same generator, same connections"));
        var batches = after.Batches - before.Batches;
        var events = after.Events - before.Events;
        var perCommit = batches == 0 ? 0 : (double)events / batches;
        _report.Add(new Row($"{id}2", $"events per commit at saturation, {label}",
            Fmt.N(perCommit, 1), $"{Fmt.Rate(batches / saturated.Measured.TotalSeconds)} commits", "", "≥ 8", perCommit >= 8, Detail: $"EventWriter.Stats of the server's OptlineDatabase over the saturation window: {events:N0} events in {batches:N0} commits{Syncs(events, syncsBefore, syncsAfter)}; the writer spent {Fmt.Ms((after.CommitTime - before.CommitTime).TotalMilliseconds / Math.Max(1, batches))} a commit flushing and committing, {(after.CommitTime - before.CommitTime) / saturated.Measured:P0} of the window{CatchUps(catchUpsBefore, catchUpsAfter)}"));

        // Open loop at half the measured maximum: latency from the intended send time.
        var rate = options.OpenLoopRate ?? Math.Max(1, max / 2);
        var openDuration = pg ? _t.OpenLoop / 2 : _t.OpenLoop;
        var (pauseBefore, gen0, gen1, gen2) = (GC.GetTotalPauseDuration(), GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        var catchUpsBeforeOpen = host.Database.Writer.CatchUps;
        var timings = new WriterTimings(host.Database.Writer.Meter);
        var open = await HttpLoad.OpenLoopAsync(http, optline.Next, rate, openDuration);
        timings.Dispose();
        var catchUpsAfterOpen = host.Database.Writer.CatchUps;
        // The server shares this process: its collections' pauses are part of the latency measured.
        var collections = $"garbage collections of this process (server and generator) paused it {(GC.GetTotalPauseDuration() - pauseBefore).TotalMilliseconds:N0} ms in all: gen0 {GC.CollectionCount(0) - gen0}, gen1 {GC.CollectionCount(1) - gen1}, gen2 {GC.CollectionCount(2) - gen2}";
        Log.Line($"{label}: {collections}");
        if (!pg)
        {
            b0Open = await HttpLoad.OpenLoopAsync(bareClient, bareTraffic.Next, rate, openDuration / 2);
        }

        var fsync = Fsync;
        var (p50Goal, p99Goal) = LatencyGoals(fsync);
        var p50 = open.Percentile(50);
        var p99 = open.Percentile(99);
        _report.Add(new Row($"{id}3", $"latency at half the maximum, {label}",
            $"p50 {Fmt.Ms(p50)}, p99 {Fmt.Ms(p99)}, p99.9 {Fmt.Ms(open.Percentile(99.9))}; {open.Failed} failed of {open.Succeeded + open.Failed:N0}",
            (b0Open is null ? "" : $"B0 same rate: p50 {Fmt.Ms(b0Open.Percentile(50))}, p99 {Fmt.Ms(b0Open.Percentile(99))}, p99.9 {Fmt.Ms(b0Open.Percentile(99.9))}; ") + $"fsync {Fmt.Ms(fsync)}",
            $"p50 {Fmt.N(p50 / fsync, 1)}×fsync, p99 {Fmt.N(p99 / fsync, 1)}×fsync",
            $"p50 ≤ {Fmt.Ms(p50Goal)}, p99 ≤ {Fmt.Ms(p99Goal)}", p50 <= p50Goal && p99 <= p99Goal && open.Failed == 0, Detail: $"open loop at {Fmt.Rate(rate)} for {openDuration.TotalSeconds:0} s, latency from each request's intended send time; goals from the fsync time F1{BusyFsync}{CatchUps(catchUpsBeforeOpen, catchUpsAfterOpen)}; inside the server's writer: {timings.Describe()}; {collections}"));

        if (!pg)
        {
            await host.DisposeAsync();
            await OwnProcessAsync(connection, carrier.Address, pools, openDuration, open, rate);
            await using var again = await OptlineHost.StartAsync("sqlite", connection, carrier.Address);
            using var againHttp = HttpLoad.Client(again.Address, Math.Max(connections, 256));
            await ApiSendsAndLookupsAsync(againHttp, pools, connections);
            await BytesPerEventAsync(seeder, Path.Combine(_data, "webhooks", "optline.db"));
        }

        Log.Line($"{label} traffic sent: {optline.Describe()}; fake carrier received {carrier.Count:N0} sends");
    }

    private TimeSpan OwnProcessWarmup => options.Quick ? TimeSpan.FromSeconds(5) : TimeSpan.FromSeconds(15);

    /// <summary>
    /// W6 and W5: the server as its own process on the same database (<c>dotnet Optline.Server.dll</c>, as it is deployed
    /// and as a load test from outside meets it), so that the generator's collections and the server's no longer pause
    /// each other, and the server's CPU per request can be read apart from the generator's. W6 is W1's saturation,
    /// against B0 as its own process too (this harness's bare app, started the same way, before and after the server);
    /// W5 is the open loop at half of W6's maximum (or at <c>--open-loop-rate</c>).
    /// </summary>
    private async Task OwnProcessAsync(string connection, Uri carrier, ContactPools pools, TimeSpan duration, LoadResult inProcess, double inProcessRate)
    {
        var (b0Before, wrkB0Before) = await OwnProcessB0Async(pools);
        var serverDll = Path.Combine(AppContext.BaseDirectory, "Optline.Server.dll");
        var address = new Uri($"http://127.0.0.1:{Net.FreePort()}");
        LoadResult? saturated = null;
        LoadResult? open = null;
        var rate = 0.0;
        var (serverCpuMs, generatorPauseMs, saturatedCpuMs) = (0.0, 0.0, 0.0);
        var (generatorCpuMs, saturatedGeneratorCpuMs) = (0.0, 0.0);
        WrkRun? wrk = null;
        var run = await ChildAsync(serverDll, [.. OptlineHost.Arguments(address, "sqlite", connection, carrier)], WithServerEnvironment([]), async (uri, pid) =>
        {
            using var http = HttpLoad.Client(uri, 256);
            var traffic = new TwilioTraffic(uri.ToString(), Bench.TwilioAuthToken, Bench.TwilioAccountSid, pools, options.Mix);
            // A new process: its methods reach their optimised tiers and its SQLite caches fill. Measured from 3 s after
            // the start, its saturation read half of what it did 20 s later, and at 3 s of a constant rate its latency
            // was still two to five times the steady state's: a burst at saturation, then W3's rate for a while.
            await HttpLoad.ClosedLoopAsync(http, traffic.Next, options.Connections, TimeSpan.Zero, _t.Warmup);
            await HttpLoad.OpenLoopAsync(http, traffic.Next, inProcessRate, OwnProcessWarmup);
            var (cpuBefore, generatorBefore) = (ProcessStats.CpuMs(pid), ProcessStats.CpuMs(Environment.ProcessId));
            saturated = await HttpLoad.ClosedLoopAsync(http, traffic.Next, options.Connections, TimeSpan.Zero, _t.Saturation);
            (saturatedCpuMs, saturatedGeneratorCpuMs) = (ProcessStats.CpuMs(pid) - cpuBefore, ProcessStats.CpuMs(Environment.ProcessId) - generatorBefore);
            rate = options.OpenLoopRate ?? Math.Max(1, saturated.PerSecond / 2);
            await HttpLoad.OpenLoopAsync(http, traffic.Next, rate, OwnProcessWarmup / 3);
            var pauseBefore = GC.GetTotalPauseDuration();
            (cpuBefore, generatorBefore) = (ProcessStats.CpuMs(pid), ProcessStats.CpuMs(Environment.ProcessId));
            open = await HttpLoad.OpenLoopAsync(http, traffic.Next, rate, duration);
            (serverCpuMs, generatorPauseMs) = (ProcessStats.CpuMs(pid) - cpuBefore, (GC.GetTotalPauseDuration() - pauseBefore).TotalMilliseconds);
            generatorCpuMs = ProcessStats.CpuMs(Environment.ProcessId) - generatorBefore;
            var loaded = (Machine.RssBytes(pid), double.NaN, RssKinds(pid));
            wrk = await WrkSaturationAsync(uri, pid, traffic, saturated.PerSecond);
            return loaded;
        }, address);
        var (b0After, wrkB0After) = await OwnProcessB0Async(pools);

        var result = open!;
        var fsync = Fsync;
        var (p50, p99) = (result.Percentile(50), result.Percentile(99));
        var (p50Goal, p99Goal) = LatencyGoals(fsync);
        var requests = result.Succeeded + result.Failed;
        _report.Add(new Row("W5", "latency at half the maximum, SQLite, Optline in its own process",
            $"p50 {Fmt.Ms(p50)}, p99 {Fmt.Ms(p99)}, p99.9 {Fmt.Ms(result.Percentile(99.9))}; {result.Failed} failed of {requests:N0}",
            $"in this process (W3, at {Fmt.Rate(inProcessRate)}): p50 {Fmt.Ms(inProcess.Percentile(50))}, p99 {Fmt.Ms(inProcess.Percentile(99))}; fsync {Fmt.Ms(fsync)}",
            $"p50 {Fmt.N(p50 / fsync, 1)}×fsync, p99 {Fmt.N(p99 / fsync, 1)}×fsync",
            $"p50 ≤ {Fmt.Ms(p50Goal)}, p99 ≤ {Fmt.Ms(p99Goal)}", p50 <= p50Goal && p99 <= p99Goal && result.Failed == 0,
            Detail: $"W6's server right after W6: open loop at {Fmt.Rate(rate)} ({(options.OpenLoopRate is null ? "half of W6's maximum" : "--open-loop-rate")}) for {duration.TotalSeconds:0} s after {(OwnProcessWarmup / 3).TotalSeconds:0} s at the rate; " +
                $"the server used {Fmt.N(serverCpuMs * 1000 / Math.Max(1, requests))} µs of CPU per request ({serverCpuMs / duration.TotalMilliseconds:0.00} of a core), RSS {Fmt.Bytes(run.Loaded.Rss)} at the end ({run.Loaded.Kinds}); this process (the generator and the fake carrier) {Fmt.N(generatorCpuMs * 1000 / Math.Max(1, requests))} µs per request ({generatorCpuMs / duration.TotalMilliseconds:0.00} of a core), its own collections pausing it {generatorPauseMs:N0} ms"));

        var max = saturated!;
        var b0 = (b0Before + b0After) / 2;
        var ratio = max.PerSecond / b0;
        _report.Add(new Row("W6", "durable inbound webhooks/s, SQLite, Optline in its own process",
            $"{Fmt.Rate(max.PerSecond)} (p50 {Fmt.Ms(max.Percentile(50))}, p99 {Fmt.Ms(max.Percentile(99))}; {Failures(max)})",
            $"B0 as its own process: {Fmt.Rate(b0)} (before {Fmt.Rate(b0Before)}, after {Fmt.Rate(b0After)}); in this process (W1): {Fmt.Rate(_w1)}",
            Fmt.Ratio(ratio), "≥ ×0.20 B0", ratio >= 0.20 && max.Failed == 0,
            Detail: $"dotnet Optline.Server.dll on W1's database with W1's settings, started after the server in this process stopped; {options.Connections} connections, closed loop, {_t.Saturation.TotalSeconds:0} s after a warm-up of {_t.Warmup.TotalSeconds:0} s at saturation and {OwnProcessWarmup.TotalSeconds:0} s at W3's rate, the same generator and mix as W1; the server used {Fmt.N(saturatedCpuMs * 1000 / Math.Max(1, max.Succeeded + max.Failed))} µs of CPU per request ({saturatedCpuMs / max.Measured.TotalMilliseconds:0.00} of a core), this process (the generator and the fake carrier) {Fmt.N(saturatedGeneratorCpuMs * 1000 / Math.Max(1, max.Succeeded + max.Failed))} µs ({saturatedGeneratorCpuMs / max.Measured.TotalMilliseconds:0.00} of a core); B0 = this harness as a bare Kestrel app reading the same form (dotnet Optline.Load.dll {BareHealth.FormFlag}), started as its own process the same way, before and after the server (half the window each)"));
        AddWrkRow(wrk, wrkB0Before, wrkB0After);
    }

    /// <summary>
    /// B0's saturation with the bare app as its own process: half the saturation window, after a warm-up; then the same
    /// with wrk when it is on the PATH (W7's baseline).
    /// </summary>
    private async Task<(double PerSecond, WrkResult? Wrk)> OwnProcessB0Async(ContactPools pools)
    {
        var loadDll = Path.Combine(AppContext.BaseDirectory, "Optline.Load.dll");
        var perSecond = 0.0;
        WrkResult? wrk = null;
        await ChildAsync(loadDll, [BareHealth.FormFlag], [], async (uri, pid) =>
        {
            using var http = HttpLoad.Client(uri, 256);
            var traffic = new TwilioTraffic(uri.ToString(), Bench.TwilioAuthToken, Bench.TwilioAccountSid, pools, options.Mix);
            await HttpLoad.ClosedLoopAsync(http, traffic.Next, options.Connections, TimeSpan.Zero, _t.Warmup);
            perSecond = (await HttpLoad.ClosedLoopAsync(http, traffic.Next, options.Connections, TimeSpan.Zero, _t.Saturation / 2)).PerSecond;
            if (WrkLoad.Executable is not null)
            {
                // The bare app reads every form the same way, so a file that wrk sends over and over will do.
                var folder = Path.Combine(_data, "wrk");
                var warmupFile = WrkLoad.WriteRequests(folder, "b0-warmup", uri, Enumerable.Range(0, 20_000).Select(_ => traffic.Next()));
                var file = WrkLoad.WriteRequests(folder, "b0", uri, Enumerable.Range(0, 60_000).Select(_ => traffic.Next()));
                await WrkLoad.RunAsync(uri, warmupFile, options.Connections, _t.Warmup);
                wrk = await WrkLoad.RunAsync(uri, file, options.Connections, _t.Saturation / 2);
                File.Delete(warmupFile);
                File.Delete(file);
            }

            return (Machine.RssBytes(pid), double.NaN, "");
        });
        return (perSecond, wrk);
    }

    /// <summary>
    /// W7's measured run: wrk against the own-process server right after W5, each request new to it (signed forms of
    /// the same mix, written beforehand: enough for three times W6's rate over the window, so none is sent twice
    /// unless wrk outruns that).
    /// </summary>
    private async Task<WrkRun?> WrkSaturationAsync(Uri uri, int pid, TwilioTraffic traffic, double w6PerSecond)
    {
        if (WrkLoad.Executable is null)
        {
            return null;
        }

        var folder = Path.Combine(_data, "wrk");
        var warmupCount = (int)Math.Max(10_000, w6PerSecond * 3 * _t.Warmup.TotalSeconds);
        var count = (int)Math.Max(30_000, w6PerSecond * 3 * _t.Saturation.TotalSeconds);
        var warmupFile = WrkLoad.WriteRequests(folder, "optline-warmup", uri, Enumerable.Range(0, warmupCount).Select(_ => traffic.Next()));
        var file = WrkLoad.WriteRequests(folder, "optline", uri, Enumerable.Range(0, count).Select(_ => traffic.Next()));
        try
        {
            await WrkLoad.RunAsync(uri, warmupFile, options.Connections, _t.Warmup);
            var cpuBefore = ProcessStats.CpuMs(pid);
            var result = await WrkLoad.RunAsync(uri, file, options.Connections, _t.Saturation);
            return new WrkRun(result, ProcessStats.CpuMs(pid) - cpuBefore, count);
        }
        finally
        {
            File.Delete(warmupFile);
            File.Delete(file);
        }
    }

    private void AddWrkRow(WrkRun? wrk, WrkResult? b0Before, WrkResult? b0After)
    {
        if (wrk is null || b0Before is null || b0After is null)
        {
            _report.Add(new Row("W7", "durable inbound webhooks/s, SQLite, Optline in its own process, driven by wrk", "not measured: wrk is not on the PATH (apt-get install wrk)", "—"));
            return;
        }

        var r = wrk.Result;
        var b0 = (b0Before.PerSecond + b0After.PerSecond) / 2;
        var ratio = r.PerSecond / b0;
        var ok = r.Requests - r.NonSuccess;
        _report.Add(new Row("W7", "durable inbound webhooks/s, SQLite, Optline in its own process, driven by wrk",
            $"{Fmt.Rate(r.PerSecond)} (p50 {Fmt.Ms(r.P50Ms)}, p99 {Fmt.Ms(r.P99Ms)}; {r.NonSuccess:N0} not 2xx{(r.SocketErrors.Length > 0 ? "; " + r.SocketErrors : "")})",
            $"B0 as its own process, driven by wrk: {Fmt.Rate(b0)} (before {Fmt.Rate(b0Before.PerSecond)}, after {Fmt.Rate(b0After.PerSecond)})",
            Fmt.Ratio(ratio), "≥ ×0.20 B0", ratio >= 0.20 && r.NonSuccess == 0 && r.SocketErrors.Length == 0,
            Detail: $"W6's server after W5, the same requests' kind (signed forms of the same mix, {wrk.Written:N0} written to a file beforehand{(r.Requests > wrk.Written ? $", {r.Requests - wrk.Written:N0} sent twice once all were sent" : ", none sent twice")}), sent by wrk ({WrkLoad.Threads} threads, {options.Connections} connections, {_t.Saturation.TotalSeconds:0} s after {_t.Warmup.TotalSeconds:0} s of warm-up): a generator in C, as a load test from outside may use; " +
                $"the server used {Fmt.N(wrk.ServerCpuMs * 1000 / Math.Max(1, r.Requests))} µs of CPU per request, wrk {Fmt.N(r.CpuMs * 1000 / Math.Max(1, r.Requests))} µs (B0's run: {Fmt.N(b0After.CpuMs * 1000 / Math.Max(1, b0After.Requests))} µs); {ok:N0} answered 2xx"));
    }

    private static string Failures(LoadResult result) =>
        result.Failed == 0 ? "0 failed" : $"{result.Failed:N0} failed: " + string.Join(", ", result.FailuresByStatus.Select(f => $"HTTP {f.Key} ×{f.Value:N0}"));

    private static async Task CreateLinesAsync(HttpClient http, string[] numbers)
    {
        foreach (var (number, k) in numbers.Select((n, k) => (n, k)))
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/lines")
            {
                Content = new StringContent(JsonSerializer.Serialize(new { number, displayName = $"Adviser {k}" }), Encoding.UTF8, "application/json"),
            };
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + Bench.AdminKey);
            using var response = await http.SendAsync(request);
            if (response.StatusCode != HttpStatusCode.Created)
            {
                throw new InvalidOperationException($"POST /api/v1/lines answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }
        }
    }

    /// <summary>SQLite's syncs of the log, beside the writer (none counted: PostgreSQL, whose commit is its fsync).</summary>
    private static string Syncs(long events, (long Count, TimeSpan Time) before, (long Count, TimeSpan Time) after)
    {
        var syncs = after.Count - before.Count;
        return syncs == 0
            ? " (one fsync each)"
            : $", acknowledged by {syncs:N0} syncs of the log beside the writer ({Fmt.N((double)events / syncs, 1)} events, {Fmt.Ms((after.Time - before.Time).TotalMilliseconds / syncs)} each)";
    }

    /// <summary>The SQLite writer's catch-up checkpoints between two readings, for a row's detail.</summary>
    private static string CatchUps((long Count, TimeSpan Time) before, (long Count, TimeSpan Time) after)
    {
        var count = after.Count - before.Count;
        return count == 0 ? "" : $"; the writer caught up with the log's checkpoint {count:N0} times, {Fmt.Ms((after.Time - before.Time).TotalMilliseconds / count)} each";
    }

    /// <summary>API sends (a line's message to a contact who opted in) and consent lookups, each against B0 in this run.</summary>
    private async Task ApiSendsAndLookupsAsync(HttpClient http, ContactPools pools, int connections)
    {
        var gate = new object();
        var mix = new EventMix(pools, options.Mix, seed: 23);
        LoadRequest Send()
        {
            (string Line, string Contact) c;
            lock (gate)
            {
                c = mix.OptedInConversation();
            }

            var body = JsonSerializer.SerializeToUtf8Bytes(new { from = c.Line, to = c.Contact, body = "Your statement is ready; call me if anything looks off.", channel = "sms" });
            return new LoadRequest(HttpMethod.Post, "/api/v1/messages", body, "application/json", Bearer: Bench.AdminKey, Kind: "api");
        }

        await HttpLoad.ClosedLoopAsync(http, Send, connections, TimeSpan.Zero, _t.Warmup / 2);
        var sends = await HttpLoad.ClosedLoopAsync(http, Send, connections, TimeSpan.Zero, _t.Lookups);
        _report.Add(new Row("W4", "API sends/s, SQLite",
            $"{Fmt.Rate(sends.PerSecond)} ({Failures(sends)})", $"B0 POST: {Fmt.Rate(_b0Post)}", Fmt.Ratio(sends.PerSecond / _b0Post), Detail: $"POST /api/v1/messages (admin key) to contacts who opted in, {connections} connections, 202 after the commit"));

        LoadRequest Lookup()
        {
            (string Line, string Contact) c;
            lock (gate)
            {
                c = mix.OptedInConversation();
            }

            return new LoadRequest(HttpMethod.Get, $"/api/v1/consents?line={Uri.EscapeDataString(c.Line)}&contact={Uri.EscapeDataString(c.Contact)}&channel=sms",
                Bearer: Bench.AdminKey, Kind: "lookup");
        }

        await using (var bare = await BareEndpoint.StartAsync())
        using (var client = HttpLoad.Client(bare.Address, connections))
        {
            await HttpLoad.ClosedLoopAsync(client, Lookup, connections, TimeSpan.Zero, _t.Warmup / 2);
            _b0Get = (await HttpLoad.ClosedLoopAsync(client, Lookup, connections, TimeSpan.Zero, _t.Lookups)).PerSecond;
        }

        await HttpLoad.ClosedLoopAsync(http, Lookup, connections, TimeSpan.Zero, _t.Warmup / 2);
        var lookups = await HttpLoad.ClosedLoopAsync(http, Lookup, connections, TimeSpan.Zero, _t.Lookups);
        _report.Add(new Row("L1", "consent lookups/s, SQLite",
            $"{Fmt.Rate(lookups.PerSecond)} (p50 {Fmt.Ms(lookups.Percentile(50))}; {Failures(lookups)})", $"B0 GET small JSON: {Fmt.Rate(_b0Get)}",
            Fmt.Ratio(lookups.PerSecond / _b0Get), Detail: $"GET /api/v1/consents?line&contact&channel with the admin key, {connections} connections, random conversations; B0 answers a small JSON"));
    }

    /// <summary>Messages and attestation records on disk per event, from the database the webhook run just wrote (a compact copy, VACUUM INTO).</summary>
    private async Task BytesPerEventAsync(Seeder seeder, string databasePath)
    {
        var (_, bytes) = await Seeder.SqliteTableBytesAsync(databasePath, ["messages", "audit_records", "processed_inbound", "outbox", "reviews"]);
        var inbound = await seeder.ScalarAsync("SELECT COUNT(*) FROM processed_inbound");
        var lineSends = await seeder.ScalarAsync("SELECT COUNT(*) FROM messages WHERE kind = 0 AND direction = 1 AND template_id IS NULL");
        var events = inbound + lineSends;
        var messages = await seeder.ScalarAsync("SELECT COUNT(*) FROM messages");
        var records = await seeder.ScalarAsync("SELECT COUNT(*) FROM audit_records");
        var messageBytes = bytes["messages"];
        var auditBytes = bytes["audit_records"];
        var other = bytes["processed_inbound"] + bytes["outbox"] + bytes["reviews"];
        _report.Add(new Row("S2", "messages on disk per event",
            $"{Fmt.N((double)messageBytes / events)} B/event ({Fmt.N((double)messages / events, 2)} rows/event, {Fmt.N((double)messageBytes / messages)} B/row)", Goal: "reported", Detail: $"messages table + its 4 indexes in a VACUUMed copy of the webhook run's database, over {events:N0} events ({inbound:N0} inbound, {lineSends:N0} API sends)"));
        _report.Add(new Row("S3", "attestation records on disk per event",
            $"{Fmt.N((double)auditBytes / events)} B/event ({Fmt.N((double)records / events, 2)} records/event, {Fmt.N((double)auditBytes / records)} B/record)", Goal: "reported", Detail: "audit_records + its 2 indexes, same copy"));
        _report.Add(new Row("S4", "dedup, outbox, reviews on disk per event", $"{Fmt.N((double)other / events)} B/event", Goal: "reported", Detail: "processed_inbound (with the first outcome as JSON) + outbox + reviews, same copy"));
    }

    // ------------------------------------------------------------------------------------------------ storage (issue 3 item 7)

    private async Task StorageAsync(PostgresCluster? postgres)
    {
        var pg = postgres is not null;
        var concurrency = pg ? 32 : options.Connections;
        var databaseOptions = pg
            ? new DatabaseOptions
            {
                Provider = "postgres",
                ConnectionString = await postgres!.CreateDatabaseAsync("optline_storage"),
                // As the server reads it, so that one setting moves both P1 and P4.
                Writers = int.TryParse(Environment.GetEnvironmentVariable("Optline__Database__Writers"), out var writers) ? writers : null,
            }
            : new DatabaseOptions { ConnectionString = $"Data Source={Path.Combine(_data, "storage", "optline.db")}" };
        await using var database = new OptlineDatabase(databaseOptions, TimeProvider.System, NullLoggerFactory.Instance);
        await database.MigrateAsync();
        var organizations = new OrganizationStore(database);
        var org = await organizations.CreateOrganizationAsync(Bench.OrganizationName, Bench.AdminKey);
        var lines = new List<Line>();
        for (var k = 0; k < 10; k++)
        {
            lines.Add((await organizations.CreateLineAsync(org, ContactPools.Contact(LineBase + k), $"Adviser {k}"))!.Value.Line);
        }

        var seeder = new Seeder(database.Dialect);
        var now = NowMs;
        await seeder.SeedConversationsAsync(org, [.. lines.Select(l => l.Id)], OptedInBase, _t.OptedInPool, SeedStates.OptedIn, now);
        await seeder.SeedConversationsAsync(org, [.. lines.Select(l => l.Id)], PendingBase, _t.PendingPool, SeedStates.Pending, now);
        var pools = new ContactPools([.. lines.Select(l => l.Number)], OptedInBase, _t.OptedInPool, PendingBase, _t.PendingPool, NewBase);
        var byNumber = lines.ToDictionary(l => l.Number, StringComparer.Ordinal);
        var conversations = new ConversationService(database, organizations, new OutboxOptions());
        var mix = new EventMix(pools, options.Mix, seed: 5);
        var gate = new object();
        var recent = new InboundMessage?[1024];
        long sequence = 0;

        InboundMessage NextEvent()
        {
            lock (gate)
            {
                var roll = mix.Random.NextDouble();
                if (roll < mix.Mix.Duplicate && sequence > 0)
                {
                    return recent[mix.Random.Next((int)Math.Min(sequence, recent.Length))]!;
                }

                var e = mix.Next(roll - mix.Mix.Duplicate);
                var message = new InboundMessage("twilio", TwilioSid.Next(), Channel.Sms, byNumber[e.To], e.From, e.Body, Signature: "valid");
                recent[sequence++ % recent.Length] = message;
                return message;
            }
        }

        async Task<(long Events, TimeSpan Took)> DriveAsync(TimeSpan duration)
        {
            var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
            var start = Stopwatch.GetTimestamp();
            var counts = new long[concurrency];
            await Task.WhenAll(Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
            {
                for (var n = 0; n < 10_000_000 && Stopwatch.GetTimestamp() < end; n++)
                {
                    await conversations.ContactSendAsync(NextEvent());
                    counts[w]++;
                }
            })));
            return (counts.Sum(), Stopwatch.GetElapsedTime(start));
        }

        // The raw loop runs before and after the unit of work (half the window each), so drift from other load shows.
        var rawBefore = await RawCommits.PerSecondAsync(database.Dialect, _t.Storage / 2, loops: 1);
        // Alone, the process is seconds old: a longer warm-up lets tiered compilation finish first.
        await DriveAsync(options.StorageAlone ? _t.Warmup * 2 : _t.Warmup / 2);
        var (before, syncsBefore) = (database.Writer.Stats, database.Writer.LogSyncs);
        var (ownCpuBefore, serverCpuBefore) = (Environment.CpuUsage.TotalTime.TotalMilliseconds, postgres?.CpuMs() ?? 0);
        var (events, took) = await DriveAsync(_t.Storage);
        var (ownCpu, serverCpu) = (Environment.CpuUsage.TotalTime.TotalMilliseconds - ownCpuBefore, (postgres?.CpuMs() ?? 0) - serverCpuBefore);
        var (after, syncsAfter) = (database.Writer.Stats, database.Writer.LogSyncs);
        var cpu = $"CPU per event: {Fmt.N(1000 * ownCpu / events)} µs in this process (Optline and the driver)" +
            (pg ? $", {Fmt.N(1000 * serverCpu / events)} µs in PostgreSQL" : string.Empty);
        var uow = events / took.TotalSeconds;
        var perCommit = (double)(after.Events - before.Events) / Math.Max(1, after.Batches - before.Batches);
        var rawAfter = await RawCommits.PerSecondAsync(database.Dialect, _t.Storage / 2, loops: 1);
        var raw = (rawBefore + rawAfter) / 2;
        var label = pg ? "PostgreSQL" : "SQLite";
        if (pg)
        {
            _rawPostgres = raw;
            var raw32 = await RawCommits.PerSecondAsync(database.Dialect, _t.Storage, loops: 32);
            _report.Add(new Row("P4", "unit-of-work events/s, PostgreSQL",
                Fmt.Rate(uow), $"raw single-row insert transactions: 1 loop {Fmt.Rate(raw)} (before {Fmt.Rate(rawBefore)}, after {Fmt.Rate(rawAfter)}), 32 loops {Fmt.Rate(raw32)}",
                $"{Fmt.Ratio(uow / raw)} vs 1 loop, {Fmt.Ratio(uow / raw32)} vs 32 loops", "≥ ×1 the loop (at 32 concurrent events)", uow >= raw, Detail: $"ConversationService.ContactSendAsync, {concurrency} concurrent, the webhook mix without HTTP, synchronous_commit=on; {Fmt.N(perCommit, 1)} events per commit; {cpu}; baseline: single-row INSERT transactions on the same database; the verdict compares with one loop, the goal's \"raw loop\"; 32 loops, whose commits PostgreSQL groups itself, are the stricter comparison: {(uow >= raw32 ? "met too" : "not met")}"));
        }
        else
        {
            _rawSqlite = raw;
            _report.Add(new Row("U1", "unit-of-work events/s, SQLite",
                Fmt.Rate(uow), $"raw single-row insert transactions, same file and settings: {Fmt.Rate(raw)} (before {Fmt.Rate(rawBefore)}, after {Fmt.Rate(rawAfter)})", Fmt.Ratio(uow / raw), "≥ ×3", uow >= 3 * raw, Detail: $"ConversationService.ContactSendAsync, {concurrency} concurrent, the webhook mix without HTTP; {cpu}; baseline: a loop of single-row INSERT transactions on the same file, WAL, synchronous=FULL"));
            _report.Add(new Row("U2", "events per commit, unit of work, SQLite", Fmt.N(perCommit, 1), "", "", "≥ 8", perCommit >= 8, Detail: $"EventWriter.Stats over the U1 run{Syncs(after.Events - before.Events, syncsBefore, syncsAfter)}"));
        }

        var commitMs = (after.CommitTime - before.CommitTime).TotalMilliseconds / Math.Max(1, after.Batches - before.Batches);
        Log.Line($"{label} unit of work: {uow:N0} events/s, {perCommit:N1} per commit, {commitMs:N2} ms per commit ({100 * (after.CommitTime - before.CommitTime).TotalSeconds / took.TotalSeconds:N0} % of the run); raw loop {raw:N0}/s; {cpu}");
    }

    // ------------------------------------------------------------------------------------------------ outbox

    private async Task OutboxAsync()
    {
        const int senders = 200;
        const int contacts = 2000;
        var rows = _t.OutboxRows;
        const string body = "'Your quarterly statement is ready to view in the client portal.'";
        // Pacing is measured by the R rows; here it must not be what bounds the rate (200 numbers at 1 msg/s would send
        // 200/s), so every number may send 10,000 msg/s: the figure is what claims, re-checks, sends and records cost.
        var unpaced = new OutboxOptions { SmsMessagesPerSecond = 10_000 };

        // 0. The baseline, unless the storage phase measured it in this run: the same raw insert loop on the same kind of file.
        if (double.IsNaN(_rawSqlite))
        {
            var dialect = new SqliteDialect($"Data Source={Path.Combine(_data, "outbox-raw", "raw.db")}");
            Directory.CreateDirectory(Path.Combine(_data, "outbox-raw"));
            _rawSqlite = await RawCommits.PerSecondAsync(dialect, _t.Storage, loops: 1);
            Log.Line($"raw single-row insert transactions: {_rawSqlite:N0}/s");
        }

        // 1. The server's OutboxDispatcher outside the server, to an in-process fake channel.
        var databaseOptions = new DatabaseOptions { ConnectionString = $"Data Source={Path.Combine(_data, "outbox", "optline.db")}" };
        var (inProcessRate, perCommit, cpuPerSend) = await InProcessOutboxAsync(databaseOptions, senders, contacts, rows, unpaced, body);

        _report.Add(new Row("O1", "outbox sends/s, in-process fake channel",
            Fmt.Rate(inProcessRate), double.IsNaN(_rawSqlite) ? "" : $"raw single-row insert transactions: {Fmt.Rate(_rawSqlite)}",
            double.IsNaN(_rawSqlite) ? "" : Fmt.Ratio(inProcessRate / _rawSqlite), "≥ 20,000/s", inProcessRate >= 20_000, Detail: $"the server's OutboxDispatcher (claim with consent re-check, lanes per number, last re-check, IChannelSender.SendAsync to a fake, sent recorded) outside the server; {rows:N0} due messages on {senders} numbers allowed 10,000 msg/s each (pacing is the R rows), SQLite FULL; {Fmt.N(perCommit, 1)} units of work per commit; {Fmt.N(cpuPerSend)} µs of process CPU per send (steadier than the rate on a shared machine)"));

        // 2. and 3. The real OutboxDispatcher in the real server: the simulator channel (in-process), then Twilio's SDK over HTTP to a fake Twilio.
        foreach (var viaHttp in new[] { false, true })
        {
            await using var carrier = await FakeTwilio.StartAsync();
            var connection = $"Data Source={Path.Combine(_data, viaHttp ? "outbox-http" : "outbox-sim", "optline.db")}";
            Seeder? seeder = null;
            await using var host = await OptlineHost.StartAsync("sqlite", connection, carrier.Address, viaHttp ? "twilio" : "simulator",
                extra: [$"--Optline:Outbox:SmsMessagesPerSecond={unpaced.SmsMessagesPerSecond.ToString(CultureInfo.InvariantCulture)}"],
                beforeStart: async h =>
                {
                    seeder = new Seeder(h.Database.Dialect);
                    var now = NowMs;
                    var org = await seeder.ScalarAsync("SELECT MIN(id) FROM organizations");
                    var lineIds = await seeder.SeedLinesAsync(org, LineBase, senders, now);
                    var first = await seeder.SeedConversationsAsync(org, lineIds, OutboxContactBase, contacts, SeedStates.OptedIn, now);
                    await seeder.SeedOutboxAsync(org, first, contacts, rows, 1, (now - 1000).ToString(CultureInfo.InvariantCulture), body, now);
                });
            var start = Stopwatch.GetTimestamp();
            var deadline = start + (long)(_t.Outbox.TotalSeconds * Stopwatch.Frequency);
            long remaining = rows;
            while (Stopwatch.GetTimestamp() < deadline && remaining > 0)
            {
                await Task.Delay(50);
                remaining = viaHttp ? rows - carrier.Count : await seeder!.ScalarAsync("SELECT COUNT(*) FROM outbox");
            }

            var took = Stopwatch.GetElapsedTime(start);
            var rate = (rows - remaining) / took.TotalSeconds;
            Log.Line($"outbox real dispatcher ({(viaHttp ? "HTTP" : "simulator")}): {rows - remaining:N0} sends in {took.TotalSeconds:0.0} s");
            _report.Add(viaHttp
                ? new Row("O3", "outbox sends/s, Twilio over HTTP", Fmt.Rate(rate),
                    $"O1 in-process: {Fmt.Rate(inProcessRate)}", Fmt.Ratio(rate / inProcessRate), "reported, no goal", Detail: "the real OutboxDispatcher in the server, TwilioSender (official SDK) to a fake Twilio on loopback; same backlog and pacing as O1")
                : new Row("O2", "outbox sends/s, real dispatcher + simulator", Fmt.Rate(rate),
                    $"O1 outside the server: {Fmt.Rate(inProcessRate)}", Fmt.Ratio(rate / inProcessRate), "≥ 20,000/s", rate >= 20_000, Detail: "the real OutboxDispatcher in the server with its built-in simulator channel (in-process); same backlog and pacing as O1; the end is seen by polling every 50 ms"));
        }
    }

    /// <summary>
    /// The server's OutboxDispatcher outside the server, to an in-process fake channel, draining <paramref name="rows"/>
    /// due messages on <paramref name="senders"/> numbers: sends a second, units of work per commit, CPU per send (µs).
    /// </summary>
    private async Task<(double Rate, double PerCommit, double CpuPerSend)> InProcessOutboxAsync(
        DatabaseOptions databaseOptions, int senders, int contacts, long rows, OutboxOptions unpaced, string body)
    {
        await using var database = new OptlineDatabase(databaseOptions, TimeProvider.System, NullLoggerFactory.Instance);
        await database.MigrateAsync();
        var organizations = new OrganizationStore(database);
        var org = await organizations.CreateOrganizationAsync(Bench.OrganizationName, Bench.AdminKey);
        var (seeder, now) = (new Seeder(database.Dialect), NowMs);
        var lineIds = await seeder.SeedLinesAsync(org, LineBase, senders, now);
        var first = await seeder.SeedConversationsAsync(org, lineIds, OutboxContactBase, contacts, SeedStates.OptedIn, now);
        await seeder.SeedOutboxAsync(org, first, contacts, rows, 1, (now - 1000).ToString(CultureInfo.InvariantCulture), body, now);
        if (database.Dialect.IsPostgres)
        {
            await seeder.PlainAsync("VACUUM ANALYZE");
        }

        var channel = new FakeChannel();
        var dispatcher = new InProcessDispatcher(database, organizations, unpaced, channel, TimeProvider.System);
        var before = database.Writer.Stats;
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var (sent, took) = await DrainAsync(dispatcher, () => channel.Count, rows);
        var after = database.Writer.Stats;
        var cpuPerSend = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMicroseconds / Math.Max(1, sent);
        var perCommit = (double)(after.Events - before.Events) / Math.Max(1, after.Batches - before.Batches);
        Log.Line($"outbox in process ({(database.Dialect.IsPostgres ? "PostgreSQL" : "SQLite")}): {sent:N0} sends in {took.TotalSeconds:0.0} s, " +
            $"{after.Batches - before.Batches:N0} commits, {cpuPerSend:N0} µs of CPU per send");
        return (sent / took.TotalSeconds, perCommit, cpuPerSend);
    }

    private static async Task<(long Sent, TimeSpan Took)> DrainAsync(InProcessDispatcher dispatcher, Func<long> sent, long target, TimeSpan? limit = null)
    {
        using var stop = new CancellationTokenSource();
        var start = Stopwatch.GetTimestamp();
        var run = dispatcher.RunAsync(stop.Token);
        var deadline = start + (long)((limit ?? TimeSpan.FromSeconds(15)).TotalSeconds * Stopwatch.Frequency);
        while (sent() < target && Stopwatch.GetTimestamp() < deadline && !run.IsCompleted)
        {
            await Task.Delay(20);
        }

        var took = Stopwatch.GetElapsedTime(start);
        var count = sent();
        await stop.CancelAsync();
        await run;
        return (count, took);
    }

    // ------------------------------------------------------------------------------------------------ pacing

    /// <summary>A class of sending numbers in a pacing run: how many, their first number, channel and configured rate.</summary>
    private sealed record Fleet(string Id, string Name, int Numbers, long NumberBase, Channel Channel, double Rate);

    private async Task PacingAsync()
    {
        // Uniform fleets of 1,000 numbers at 1 and 3 msg/s; then 80 msg/s read as a fleet a firm really runs: 1,000 numbers
        // in one run, mostly long codes, some toll-free, a few WhatsApp numbers (1,000 at 80 msg/s would ask 80,000 sends/s).
        await PacingRunAsync("uniform-1", [new Fleet("R1", "long codes", 1000, LineBase, Channel.Sms, 1)]);
        await PacingRunAsync("uniform-3", [new Fleet("R3", "toll-free", 1000, TollFreeBase, Channel.Sms, 3)]);
        await PacingRunAsync("mixed",
        [
            new Fleet("RM1", "long codes", 900, LineBase, Channel.Sms, 1),
            new Fleet("RM3", "toll-free", 90, TollFreeBase, Channel.Sms, 3),
            new Fleet("RM80", "WhatsApp", 10, LineBase + 900, Channel.WhatsApp, 80),
        ]);
    }

    private async Task PacingRunAsync(string name, IReadOnlyList<Fleet> fleets)
    {
        var window = _t.PacingWindow;
        var origin = TimeProvider.System.GetUtcNow();
        var clock = new ShiftedTime(origin);
        var options = new OutboxOptions();
        var databaseOptions = new DatabaseOptions { ConnectionString = $"Data Source={Path.Combine(_data, $"pacing-{name}", "optline.db")}" };
        await using var database = new OptlineDatabase(databaseOptions, clock, NullLoggerFactory.Instance);
        await database.MigrateAsync();
        var organizations = new OrganizationStore(database);
        var org = await organizations.CreateOrganizationAsync(Bench.OrganizationName, Bench.AdminKey);
        var (seeder, now) = (new Seeder(database.Dialect), NowMs);
        var (messageIds, contactBase, queued) = (1L, OutboxContactBase, 0L);
        var numbersOf = new Dictionary<string, HashSet<string>>();
        foreach (var fleet in fleets)
        {
            var lineIds = await seeder.SeedLinesAsync(org, fleet.NumberBase, fleet.Numbers, now);
            var first = await seeder.SeedConversationsAsync(org, lineIds, contactBase, fleet.Numbers, SeedStates.OptedIn, now);
            if (fleet.Channel == Channel.WhatsApp)
            {
                // Free-form WhatsApp messages need the contact to have written within 24 hours.
                await seeder.ExecuteAsync($"UPDATE conversations SET channel = {(int)Channel.WhatsApp}, last_inbound_at = {now} WHERE id BETWEEN {first} AND {first + fleet.Numbers - 1}");
            }

            if (Math.Abs(options.MessagesPerSecond(fleet.Channel, $"+1{fleet.NumberBase}") - fleet.Rate) > 1e-9)
            {
                throw new InvalidOperationException($"{fleet.Name} are not configured at {fleet.Rate} msg/s.");
            }

            var perNumber = (long)Math.Ceiling(fleet.Rate * (window.TotalSeconds + 1));
            var due = Pacing.DueSql(origin.ToUnixTimeMilliseconds(), fleet.Numbers, fleet.Rate);
            await seeder.SeedOutboxAsync(org, first, fleet.Numbers, perNumber * fleet.Numbers, messageIds, due, $"'pace:' || ({due})", now);
            // A warm dispatcher, as in a running server: one message per number falls due a second before the window.
            await seeder.SeedOutboxAsync(org, first, fleet.Numbers, fleet.Numbers, 1_000_000_000 + messageIds, (origin.ToUnixTimeMilliseconds() - 1000).ToString(CultureInfo.InvariantCulture), "'warm-up'", now);
            messageIds += perNumber * fleet.Numbers + fleet.Numbers;
            contactBase += fleet.Numbers;
            queued += perNumber * fleet.Numbers;
            numbersOf[fleet.Id] = [.. Enumerable.Range(0, fleet.Numbers).Select(k => $"+1{fleet.NumberBase + k}")];
        }

        var demand = fleets.Sum(f => f.Numbers * f.Rate);
        Log.Line($"pacing {name}: {queued:N0} messages queued on {fleets.Sum(f => f.Numbers):N0} numbers ({string.Join(", ", fleets.Select(f => $"{f.Numbers} {f.Name} at {f.Rate} msg/s"))}); demand {demand:N0}/s; running {window.TotalSeconds:0} s");

        var channel = new FakeChannel { Record = true };
        var dispatcher = new InProcessDispatcher(database, organizations, options, channel, clock);
        clock.Start(lead: TimeSpan.FromSeconds(2));
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2) + window + TimeSpan.FromSeconds(0.5)))
        {
            await dispatcher.RunAsync(stop.Token);
        }

        foreach (var fleet in fleets)
        {
            var result = Pacing.Analyse(channel, clock, fleet.Rate, fleet.Numbers, window, numbersOf[fleet.Id].Contains);
            var met = result.NumbersMeasured == fleet.Numbers && result.MaxError <= 0.01;
            var title = fleets.Count == 1
                ? $"pacing at {fleet.Rate:0} msg/s × {fleet.Numbers:N0} numbers"
                : $"pacing, mixed fleet: {fleet.Numbers:N0} {fleet.Name} at {fleet.Rate:0} msg/s";
            _report.Add(new Row(fleet.Id, title,
                $"worst number {Fmt.Pct(result.MaxError)} off, median {Fmt.Pct(result.MedianError)} (median achieved {Fmt.N(result.MedianAchieved, 2)} msg/s); p99 lateness {Fmt.Ms(result.P99LatenessMs)}; {result.NumbersBehind} numbers below 99 %",
                $"configured {fleet.Rate:0} msg/s", $"{Fmt.Rate(result.AggregatePerSecond)} sent", "within 1 %", met,
                Detail: $"window {window.TotalSeconds:0} s; {(fleets.Count == 1 ? "" : $"one run with {string.Join(", ", fleets.Select(f => $"{f.Numbers} {f.Name} at {f.Rate:0} msg/s"))}; ")}demand {Fmt.Rate(demand)}; backlog due as sender_slots spaces it; rate per number = (sends - 1) / (last - first) in the window; the server's OutboxDispatcher, fake channel"));
        }
    }

    // ------------------------------------------------------------------------------------------------ footprint

    private async Task FootprintAsync()
    {
        var n = options.Conversations;
        var directory = Path.Combine(_data, "footprint");
        var path = Path.Combine(directory, "optline.db");
        var databaseOptions = new DatabaseOptions { ConnectionString = $"Data Source={path}" };
        long fileBytes;
        await using (var database = new OptlineDatabase(databaseOptions, TimeProvider.System, NullLoggerFactory.Instance))
        {
            await database.MigrateAsync();
            var organizations = new OrganizationStore(database);
            var org = await organizations.CreateOrganizationAsync(Bench.OrganizationName, Bench.AdminKey);
            var (seeder, now) = (new Seeder(database.Dialect), NowMs);
            var lineIds = await seeder.SeedLinesAsync(org, LineBase, 1000, now);
            var started = Stopwatch.GetTimestamp();
            await seeder.SeedConversationsAsync(org, lineIds, FootprintBase, n, SeedStates.Registry, now);
            Log.Line($"footprint: {n:N0} conversations inserted in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s (one transaction, set-based SQL)");
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        {
            var checkpoint = new Seeder(new SqliteDialect($"Data Source={path}"));
            await checkpoint.PlainAsync("PRAGMA wal_checkpoint(TRUNCATE)");
            fileBytes = new FileInfo(path).Length;
            // Baseline: the same key and state in the smallest shape a rowid table with a unique key has.
            var (_, bytes) = await Seeder.SqliteTableBytesAsync(path, ["conversations", "bench_min"],
                "CREATE TABLE bench_min (id INTEGER PRIMARY KEY, line_id INTEGER NOT NULL, contact TEXT NOT NULL, channel INTEGER NOT NULL, state INTEGER NOT NULL, UNIQUE (line_id, contact, channel));" +
                "INSERT INTO bench_min (line_id, contact, channel, state) SELECT line_id, contact, channel, state FROM conversations;");
            var perConversation = (double)bytes["conversations"] / n;
            var minimal = (double)bytes["bench_min"] / n;
            _report.Add(new Row("D1", $"consent state per conversation at {n:N0}",
                $"{Fmt.N(perConversation)} B", $"key + state only (rowid table + unique index): {Fmt.N(minimal)} B", Fmt.Ratio(perConversation / minimal),
                "≤ 200 B", perConversation <= 200, Detail: "conversations table + its 2 indexes in a VACUUMed copy, SQLite; registry: 60 % opted in, 15 % pending, 10 % opted out, 15 % none; baseline: (line, contact, channel, state) in a rowid table with a unique index"));
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var serverDll = Path.Combine(AppContext.BaseDirectory, "Optline.Server.dll");
        var loadDll = Path.Combine(AppContext.BaseDirectory, "Optline.Load.dll");
        var environment = new Dictionary<string, string>
        {
            ["Optline__Database__ConnectionString"] = $"Data Source={path}",
            ["Optline__Bootstrap__AdminApiKey"] = Bench.AdminKey,
            ["Logging__LogLevel__Default"] = "Warning",
            ["Optline__RateLimit__PermitsPerSecond"] = Bench.UnlimitedRate.ToString(CultureInfo.InvariantCulture),
            ["Optline__RateLimit__Burst"] = Bench.UnlimitedRate.ToString(CultureInfo.InvariantCulture),
        };

        var starts = new List<double>();
        var bareStarts = new List<double>();
        var cpu = new List<double>();
        var bareCpu = new List<double>();
        long rssIdle = 0, rssLoaded = 0, bareRss = 0;
        string kindsIdle = "", kindsLoaded = "";
        double lookups = double.NaN;
        for (var run = 0; run < _t.StartRuns; run++)
        {
            var bareRun = await ChildAsync(loadDll, [BareHealth.Flag], environment, null);
            bareStarts.Add(bareRun.StartMs);
            bareCpu.Add(bareRun.StartCpuMs);
            bareRss = bareRun.Rss;
            var run1 = await ChildAsync(serverDll, [], WithServerEnvironment(environment), run == 0 ? LookupBurstAsync : null);
            starts.Add(run1.StartMs);
            cpu.Add(run1.StartCpuMs);
            if (run == 0)
            {
                (rssIdle, rssLoaded, lookups, kindsIdle, kindsLoaded) = (run1.Rss, run1.Loaded.Rss, run1.Loaded.Lookups, run1.Kinds, run1.Loaded.Kinds);
            }
        }

        var start = Percentiles.Of(starts, 50);
        var bare = Percentiles.Of(bareStarts, 50);
        _report.Add(new Row("D2", $"first 200 after process start, {n:N0} conversations",
            Fmt.Ms(start), $"bare Kestrel app started the same way: {Fmt.Ms(bare)}", Fmt.Ratio(start / bare), "≤ 1 s", start <= 1000, Detail: $"dotnet Optline.Server.dll on that database, polled /health every 5 ms; median of {starts.Count}: {string.Join(", ", starts.Select(s => Fmt.N(s)))} ms; baseline: this harness as a bare Kestrel app with /health, started the same way; CPU time (user + system) to the first 200, median: {Fmt.N(Percentiles.Of(cpu, 50))} ms, bare app {Fmt.N(Percentiles.Of(bareCpu, 50))} ms"));
        _report.Add(new Row("D3", $"server RSS at {n:N0} conversations",
            $"{Fmt.Bytes(rssIdle)} / {Fmt.Bytes(rssLoaded)}", $"bare Kestrel app: {Fmt.Bytes(bareRss)}", Fmt.Ratio((double)rssLoaded / bareRss), "≤ 150 MB",
            Math.Max(rssIdle, rssLoaded) <= 150_000_000, Detail: $"after start / after {_t.Lookups.TotalSeconds:0} s of consent lookups over all conversations ({Fmt.Rate(lookups)}); VmRSS; after start {kindsIdle}, after the lookups {kindsLoaded}"));
        _report.Add(new Row("D4", $"database file at {n:N0} conversations", $"{Fmt.Bytes(fileBytes)} ({Fmt.N((double)fileBytes / n)} B/conversation)", Goal: "reported", Detail: "after a WAL checkpoint"));
    }

    private async Task<(long Rss, double Lookups, string Kinds)> LookupBurstAsync(Uri address, int pid)
    {
        var n = options.Conversations;
        var random = new Random(3);
        var gate = new object();
        LoadRequest Lookup()
        {
            int i;
            lock (gate)
            {
                i = random.Next(n);
            }

            return new LoadRequest(HttpMethod.Get, $"/api/v1/consents?line={Uri.EscapeDataString(ContactPools.Contact(LineBase + (i % 1000)))}&contact={Uri.EscapeDataString(ContactPools.Contact(FootprintBase + i))}&channel=sms",
                Bearer: Bench.AdminKey);
        }

        using var client = HttpLoad.Client(address, 32);
        var result = await HttpLoad.ClosedLoopAsync(client, Lookup, 32, TimeSpan.FromSeconds(1), _t.Lookups);
        if (result.Failed > 0)
        {
            _report.Note($"D3: {Failures(result)} among the consent lookups on the footprint database.");
        }

        return (Machine.RssBytes(pid), result.PerSecond, RssKinds(pid));
    }

    /// <summary>Starts a child process, times its first 200 on /health, notes its RSS, runs <paramref name="then"/>, and kills it.</summary>
    private static async Task<ChildRun> ChildAsync(string dll, string[] arguments,
        Dictionary<string, string> environment, Func<Uri, int, Task<(long, double, string)>>? then, Uri? address = null)
    {
        address ??= new Uri($"http://127.0.0.1:{Net.FreePort()}");
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(dll)! };
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        start.Environment["ASPNETCORE_URLS"] = address.ToString().TrimEnd('/');
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        using var probe = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(2) };
        var started = Stopwatch.GetTimestamp();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {dll}.");
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            double? ms = null;
            for (var attempt = 0; attempt < 6000 && Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(30) && !process.HasExited; attempt++)
            {
                try
                {
                    using var response = await probe.GetAsync("/health");
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                        break;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }

                await Task.Delay(5);
            }

            if (ms is null)
            {
                throw new InvalidOperationException($"{Path.GetFileName(dll)} gave no 200 on /health within 30 s: {output}");
            }

            var (cpu, rss, kinds) = (ProcessStats.CpuMs(process.Id), Machine.RssBytes(process.Id), RssKinds(process.Id));
            var loaded = then is null ? (0L, double.NaN, "") : await then(address, process.Id);
            return new ChildRun(ms.Value, cpu, rss, kinds, loaded);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync();
        }
    }

    /// <summary>The variables of <c>--server-env</c> over <paramref name="environment"/>, for a server started as its own process.</summary>
    private Dictionary<string, string> WithServerEnvironment(Dictionary<string, string> environment)
    {
        var merged = new Dictionary<string, string>(environment);
        foreach (var (key, value) in options.ServerEnvironment)
        {
            merged[key] = value;
        }

        return merged;
    }

    private static string RssKinds(int pid)
    {
        var (anon, file, shmem) = ProcessStats.RssKinds(pid);
        return $"anonymous {Fmt.Bytes(anon)}, files {Fmt.Bytes(file)}, shared {Fmt.Bytes(shmem)}";
    }

    private sealed record ChildRun(double StartMs, double StartCpuMs, long Rss, string Kinds, (long Rss, double Lookups, string Kinds) Loaded);

    // ------------------------------------------------------------------------------------------------ PostgreSQL

    private async Task PostgresAsync()
    {
        await using var cluster = await PostgresCluster.StartAsync();
        Log.Line("PostgreSQL cluster ready");
        if (options.PostgresStorageOnly)
        {
            await StorageAsync(cluster);
            return;
        }

        await WebhooksAsync(cluster);
        await StorageAsync(cluster);

        // Consent state on PostgreSQL: the same registry seeded into a database of its own.
        var n = Math.Min(options.Conversations, 1_000_000);
        var databaseOptions = new DatabaseOptions { Provider = "postgres", ConnectionString = await cluster.CreateDatabaseAsync("optline_footprint") };
        await using var database = new OptlineDatabase(databaseOptions, TimeProvider.System, NullLoggerFactory.Instance);
        await database.MigrateAsync();
        var organizations = new OrganizationStore(database);
        var org = await organizations.CreateOrganizationAsync(Bench.OrganizationName, Bench.AdminKey);
        var (seeder, now) = (new Seeder(database.Dialect), NowMs);
        var lineIds = await seeder.SeedLinesAsync(org, LineBase, 1000, now);
        await seeder.SeedConversationsAsync(org, lineIds, FootprintBase, n, SeedStates.Registry, now);
        await seeder.PlainAsync("VACUUM ANALYZE conversations");

        var bytes = await seeder.PostgresBytesByTableAsync();
        var perConversation = (double)bytes.GetValueOrDefault("conversations") / n;
        _report.Add(new Row("P5", "consent state per conversation, PostgreSQL",
            $"{Fmt.N(perConversation)} B", "", "", "reported (goal is SQLite's)", Detail: $"pg_total_relation_size(conversations) after VACUUM ANALYZE, {n:N0} conversations, same registry"));

        // The outbox on PostgreSQL: O1's run (claims with SKIP LOCKED, re-checks, sends to the fake, records) in a database of its own.
        const int senders = 200;
        var rows = _t.OutboxRows;
        var outboxOptions = new DatabaseOptions { Provider = "postgres", ConnectionString = await cluster.CreateDatabaseAsync("optline_outbox") };
        var (rate, perCommit, cpuPerSend) = await InProcessOutboxAsync(outboxOptions, senders, 2000, rows, new OutboxOptions { SmsMessagesPerSecond = 10_000 },
            "'Your quarterly statement is ready to view in the client portal.'");
        _report.Add(new Row("P6", "outbox sends/s, PostgreSQL, in-process fake channel",
            Fmt.Rate(rate), double.IsNaN(_rawPostgres) ? "" : $"raw single-row insert transactions, 1 loop: {Fmt.Rate(_rawPostgres)}",
            double.IsNaN(_rawPostgres) ? "" : Fmt.Ratio(rate / _rawPostgres), "reported (O1's goal is SQLite's)",
            Detail: $"as O1, on PostgreSQL with synchronous_commit=on: {rows:N0} due messages on {senders} numbers; {Fmt.N(perCommit, 1)} units of work per commit; {Fmt.N(cpuPerSend)} µs of this process's CPU per send"));
    }
}

/// <summary>W7's run: what wrk measured, the server's CPU meanwhile, and how many distinct requests it had to send.</summary>
internal sealed record WrkRun(WrkResult Result, double ServerCpuMs, int Written);
