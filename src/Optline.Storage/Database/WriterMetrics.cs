using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Optline.Storage.Database;

/// <summary>
/// Where an acknowledged event's time goes inside the group commit, for operators: <c>dotnet-counters monitor
/// --counters Optline.Storage -p PID</c> shows the percentiles. An event waits in its writer's queue for the batch in
/// progress to commit, then runs in the next batch, which ends with the commit (the log's write and, on PostgreSQL, its
/// fsync; SQLite's log is synced beside the writer, <see cref="LogSyncer"/>, before the batch is acknowledged).
/// Nothing is measured unless something listens. One meter per <see cref="EventWriter"/>, all under one name.
/// </summary>
internal sealed class WriterMetrics : IDisposable
{
    public const string MeterName = "Optline.Storage";

    private readonly Histogram<double> _queueWait;
    private readonly Histogram<double> _batchDuration;
    private readonly Histogram<double> _commitDuration;
    private readonly Histogram<int> _batchSize;

    public WriterMetrics()
    {
        _queueWait = Meter.CreateHistogram<double>(
            "optline.writer.queue.duration", "s", "Time an event waited in its writer's queue before its batch began.");
        _batchDuration = Meter.CreateHistogram<double>(
            "optline.writer.batch.duration", "s", "Time from a batch's start to its commit, the commit included.");
        _commitDuration = Meter.CreateHistogram<double>(
            "optline.writer.commit.duration", "s", "Time a batch's commit took: the log's write, and on PostgreSQL its fsync.");
        _batchSize = Meter.CreateHistogram<int>(
            "optline.writer.batch.size", "{event}", "Events acknowledged by one commit.");
    }

    public Meter Meter { get; } = new(MeterName);

    /// <summary>When an event queued now should note the time, for its wait: <see cref="Stopwatch"/>'s clock, or 0.</summary>
    public long QueuedNow() => _queueWait.Enabled ? Stopwatch.GetTimestamp() : 0;

    public void BatchStarted(long queuedAt, long startedAt)
    {
        if (queuedAt != 0 && _queueWait.Enabled)
        {
            _queueWait.Record(Stopwatch.GetElapsedTime(queuedAt, startedAt).TotalSeconds);
        }
    }

    public void BatchCommitted(int events, long startedAt, long commitStarted)
    {
        if (!_batchDuration.Enabled && !_commitDuration.Enabled && !_batchSize.Enabled)
        {
            return;
        }

        var now = Stopwatch.GetTimestamp();
        _batchDuration.Record(Stopwatch.GetElapsedTime(startedAt, now).TotalSeconds);
        _commitDuration.Record(Stopwatch.GetElapsedTime(commitStarted, now).TotalSeconds);
        _batchSize.Record(events);
    }

    public void Dispose() => Meter.Dispose();
}
