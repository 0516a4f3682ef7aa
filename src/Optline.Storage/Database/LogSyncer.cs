using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Optline.Storage.Database;

/// <summary>
/// Syncs the SQLite writer's log beside the writer, and acknowledges batches only once the sync that covers them is
/// done. The writer commits with its sync deferred (<see cref="WalWriteBuffer.BufferedLog.DeferSyncs"/>): the commit's
/// frames are written, and the writer goes on with the next batch while this thread waits for the disk. One sync covers
/// every batch committed before it began, so a slow sync gathers the batches behind it into the next.
/// <para>
/// An acknowledged event is as durable as with the sync inside the commit: nothing is acknowledged before the log holding
/// it, and every commit before it, is on the disk. A commit is visible to readers from the moment it is written, a
/// sync's time before it is durable; a reader acting on it in that window acts on what a power cut could still undo, as
/// a crash before the acknowledgement could: the carrier then sends the event again. The outbox sends nothing that window
/// could take back: it claims through the writer and sends once its claim is acknowledged, after the commits before it.
/// </para>
/// <para>
/// A failed sync leaves it unknown what the disk holds (the kernel may have dropped the pages it could not write), so the
/// batches waiting fail and so does every batch after them, until the process starts again and SQLite reads what the
/// log really holds.
/// </para>
/// </summary>
internal sealed partial class LogSyncer : IDisposable
{
    private readonly Func<int> _sync;
    private readonly string _log;
    private readonly ILogger _logger;
    private readonly object _gate = new();
    private readonly Thread _thread;
    private List<Action<Exception?>> _waiting = [];
    private List<Action<Exception?>> _taken = [];
    private bool _syncing;
    private bool _stopping;
    private Exception? _failure;
    private long _syncs;
    private long _syncTicks;

    /// <param name="sync">Syncs the log, SQLite's result code: <see cref="WalWriteBuffer.BufferedLog.SyncDeferred"/> of the writer's log.</param>
    /// <param name="log">The log's path, for the messages.</param>
    public LogSyncer(Func<int> sync, string log, ILogger logger)
    {
        _sync = sync;
        _log = log;
        _logger = logger;
        _thread = new Thread(Run) { IsBackground = true, Name = "Optline log sync" };
        _thread.Start();
    }

    /// <summary>Set once a sync failed: no batch committed from then on can be acknowledged.</summary>
    public Exception? Failure
    {
        get
        {
            lock (_gate)
            {
                return _failure;
            }
        }
    }

    /// <summary>Syncs of the log so far and the time they took.</summary>
    public (long Count, TimeSpan Time) Syncs => (Interlocked.Read(ref _syncs), TimeSpan.FromTicks(Interlocked.Read(ref _syncTicks)));

    /// <summary>Calls <paramref name="acknowledge"/> once every commit so far is on the disk (null), or with why it cannot be known.</summary>
    public void AfterSync(Action<Exception?> acknowledge)
    {
        Exception? failure;
        lock (_gate)
        {
            failure = _failure;
            if (failure is null)
            {
                _waiting.Add(acknowledge);
                Monitor.Pulse(_gate);
                return;
            }
        }

        acknowledge(failure);
    }

    /// <summary>Blocks until every batch handed over has been answered: before the writer closes its connection, and with it the log.</summary>
    public void WaitUntilAnswered()
    {
        lock (_gate)
        {
            while (_waiting.Count > 0 || _syncing)
            {
                Monitor.Wait(_gate);
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _stopping = true;
            Monitor.PulseAll(_gate);
        }

        _thread.Join();
    }

    private void Run()
    {
        while (true)
        {
            lock (_gate)
            {
                while (_waiting.Count == 0 && !_stopping)
                {
                    Monitor.Wait(_gate);
                }

                if (_waiting.Count == 0)
                {
                    return;
                }

                (_taken, _waiting) = (_waiting, _taken);
                _syncing = true;
            }

            var failure = SyncOnce();
            foreach (var acknowledge in _taken)
            {
                acknowledge(failure);
            }

            _taken.Clear();
            lock (_gate)
            {
                _failure ??= failure;
                _syncing = false;
                Monitor.PulseAll(_gate);
            }
        }
    }

    private Exception? SyncOnce()
    {
        var started = Stopwatch.GetTimestamp();
        var result = _sync();
        Interlocked.Increment(ref _syncs);
        Interlocked.Add(ref _syncTicks, Stopwatch.GetElapsedTime(started).Ticks);
        if (result == SqliteNative.Ok)
        {
            return null;
        }

        var failure = new IOException($"SQLite could not sync its write-ahead log {_log} (error {result}); nothing committed since is acknowledged until Optline restarts.");
        LogSyncFailed(_logger, failure);
        return failure;
    }

    [LoggerMessage(EventId = 1004, Level = LogLevel.Critical, Message = "The write-ahead log could not be synced; every event from now on fails until Optline restarts")]
    private static partial void LogSyncFailed(ILogger logger, Exception exception);
}
