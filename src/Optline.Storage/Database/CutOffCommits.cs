using System.Data.Common;
using Microsoft.Extensions.Logging;

namespace Optline.Storage.Database;

/// <summary>
/// PostgreSQL batches whose connection broke while their commit was on its way: each batch gets a commit marker to
/// write with its last statements, and a cut-off batch's callers are answered once the database has said, on new
/// connections and apart from the writer (which goes on with the next batches), whether it committed
/// (<see cref="CommitOutcome"/>). Old markers are deleted every minute.
/// </summary>
internal sealed partial class CutOffCommits : IAsyncDisposable
{
    /// <summary>How long the callers of a batch whose commit was cut off wait for the database to say whether it was made.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(1);

    private readonly Dialect _dialect;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly HashSet<Task> _asking = [];
    private readonly Task _markerCleanup;

    public CutOffCommits(Dialect dialect, TimeProvider time, ILogger logger)
    {
        _dialect = dialect;
        _time = time;
        _logger = logger;
        _markerCleanup = Task.Run(DeleteOldMarkersAsync);
    }

    /// <summary>A new batch's marker: time-ordered, so that markers are appended to their index.</summary>
    public string NewMarker() => TimeOrderedIds.New(_time.GetUtcNow()).ToString();

    /// <summary>
    /// Asks whether the cut-off batch committed, then calls <paramref name="answer"/> with true (it did), false (it did not)
    /// or null (the database could not tell within a minute).
    /// </summary>
    public void Settle(long transactionId, string marker, int events, Exception cause, Action<bool?> answer)
    {
        LogCutOff(_logger, cause, events, transactionId);
        var asking = Task.Run(async () =>
        {
            bool? committed;
            try
            {
                committed = await CommitOutcome.FindAsync(_dialect, transactionId, marker, Patience, _stopping.Token);
            }
            catch (OperationCanceledException)
            {
                committed = null;
            }

            LogSettled(_logger, transactionId, committed switch { true => "committed", false => "not committed", null => "unknown" });
            answer(committed);
        });
        lock (_asking)
        {
            _asking.Add(asking);
        }

        asking.ContinueWith(done =>
        {
            lock (_asking)
            {
                _asking.Remove(done);
            }
        }, TaskScheduler.Default);
    }

    /// <summary>Stops asking (callers still waiting learn that the outcome is unknown) and stops deleting markers.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        Task[] asking;
        lock (_asking)
        {
            asking = [.. _asking];
        }

        await Task.WhenAll(asking);
        await _markerCleanup;
    }

    private async Task DeleteOldMarkersAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromMinutes(1), _time, _stopping.Token);
                await CommitOutcome.DeleteOldMarkersAsync(_dialect, _time.GetUtcNow(), _stopping.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception ex) when (ex is DbException or IOException or TimeoutException or InvalidOperationException)
            {
                LogMarkersNotDeleted(_logger, ex.Message);
            }
        }
    }

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "The connection broke while a batch of {Count} events was committing (transaction {TransactionId}); asking the database whether it committed")]
    private static partial void LogCutOff(ILogger logger, Exception exception, int count, long transactionId);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Warning, Message = "Transaction {TransactionId}, whose commit was cut off: {Outcome}")]
    private static partial void LogSettled(ILogger logger, long transactionId, string outcome);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Debug, Message = "Old commit markers could not be deleted ({Error}); next time")]
    private static partial void LogMarkersNotDeleted(ILogger logger, string error);
}
