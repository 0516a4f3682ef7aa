using System.Data.Common;
using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Optline.Storage.Audit;

namespace Optline.Storage.Database;

/// <summary>
/// Group commit. Every write waits in its writer's queue; the writer takes all that are waiting, runs them in one
/// transaction, commits once, and only then completes the callers. One fsync acknowledges many events. Should an
/// event fail, the batch runs again with each event in a savepoint of its own, so that it fails alone.
/// SQLite has one writer (its lock allows no more). PostgreSQL has one per node by default, and may have more
/// (<c>Optline__Database__Writers</c>): they serialise per conversation by row locks inside the database, and the
/// events of one conversation all go to the same writer, so a node's writers do not wait on each other's rows.
/// </summary>
public sealed partial class EventWriter : IAsyncDisposable
{
    private const int MaxBatch = 256;
    private const int MaxTransientRetries = 5;

    /// <summary>How long batches lock chain heads again after a head read ahead turned out to have moved.</summary>
    private static readonly TimeSpan LockChainHeadsFor = TimeSpan.FromSeconds(10);

    private readonly Channel<IWork>[] _queues;
    private readonly Dialect _dialect;
    private readonly TimeProvider _time;
    private readonly ILogger<EventWriter> _logger;
    private readonly Task[] _writers;
    private readonly WalCheckpointer? _checkpointer;
    private readonly LogSyncer? _syncer;
    private readonly CutOffCommits? _cutOff;
    private readonly WriterMetrics _metrics = new();
    private long _batches;
    private long _events;
    private long _commitTicks;
    private long _runAgain;
    private long _lockChainHeadsUntil;
    private int _nextQueue;

    /// <summary>SQLite: the writer's log, buffered, once its connection is open (null if SQLite opened it unbuffered).</summary>
    private volatile WalWriteBuffer.BufferedLog? _log;

    public EventWriter(Dialect dialect, TimeProvider time, ILogger<EventWriter> logger, int? writers = null)
        : this(dialect, time, logger, writers, syncLog: null)
    {
    }

    /// <param name="syncLog">SQLite: how the writer's log is synced, SQLite's result code (tests make it fail); by default <see cref="WalWriteBuffer.BufferedLog.SyncDeferred"/>.</param>
    internal EventWriter(Dialect dialect, TimeProvider time, ILogger<EventWriter> logger, int? writers, Func<WalWriteBuffer.BufferedLog, int>? syncLog)
    {
        _dialect = dialect;
        _time = time;
        _logger = logger;
        var count = writers ?? 1;
        if (dialect is SqliteDialect sqlite)
        {
            _checkpointer = new WalCheckpointer(sqlite, logger);
            var sync = syncLog ?? (log => log.SyncDeferred());
            // An unbuffered log syncs at each commit itself: nothing is then owed.
            _syncer = new LogSyncer(() => _log is { } log ? sync(log) : SqliteNative.Ok, sqlite.LogPath, logger);
        }

        _queues = [.. Enumerable.Range(0, count).Select(_ => Channel.CreateUnbounded<IWork>(new UnboundedChannelOptions { SingleReader = true }))];
        _cutOff = dialect.IsPostgres ? new CutOffCommits(dialect, time, logger) : null;
        _writers = dialect.IsPostgres
            ? [.. _queues.Select(queue => Task.Run(() => RunAsync(queue, dedicatedThread: false)))]
            : [.. _queues.Select(queue => Task.Factory.StartNew(
                () => RunAsync(queue, dedicatedThread: true).GetAwaiter().GetResult(), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default))];
    }

    /// <summary>How many writers commit side by side, each on its own connection.</summary>
    public int WriterCount => _queues.Length;

    /// <summary>
    /// Commits so far, events in them (events per commit is the group-commit figure), and the time spent in the
    /// commits themselves (the write of the log and its fsync).
    /// </summary>
    public (long Batches, long Events, TimeSpan CommitTime) Stats =>
        (Interlocked.Read(ref _batches), Interlocked.Read(ref _events), TimeSpan.FromTicks(Interlocked.Read(ref _commitTicks)));

    /// <summary>This writer's timings (<see cref="WriterMetrics"/>): queue wait, batch and commit durations, events per commit.</summary>
    public System.Diagnostics.Metrics.Meter Meter => _metrics.Meter;

    /// <summary>SQLite: why nothing can be acknowledged any more (a sync of the log failed), until the process starts again; else null.</summary>
    public Exception? Failure => _syncer?.Failure;

    /// <summary>
    /// SQLite: the fsyncs of the writer's log beside the writer, each acknowledging every batch committed before it, and
    /// the syncer's time (a round that found nothing owed, after a batch that wrote nothing, is no fsync).
    /// </summary>
    public (long Count, TimeSpan Time) LogSyncs => _syncer is null ? (0, TimeSpan.Zero) : (_log?.SyncsDone ?? 0, _syncer.Syncs.Time);

    /// <summary>SQLite: how often the writer copied the rest of its log itself, between two batches, and the time that took.</summary>
    public (long Count, TimeSpan Time) CatchUps => _checkpointer?.CatchUps ?? (0, TimeSpan.Zero);

    /// <summary>Batches whose attempt together failed and that ran again event by event.</summary>
    public long BatchesRunAgain => Interlocked.Read(ref _runAgain);

    /// <summary>
    /// Runs <paramref name="work"/> in the next batch; completes once the batch is committed. Work about one
    /// conversation (<paramref name="key"/>) always goes to the same writer; other work to any.
    /// </summary>
    public Task<T> ExecuteAsync<T>(Func<WriteContext, CancellationToken, Task<T>> work, ConversationKey? key = null, CancellationToken cancellationToken = default) =>
        ExecuteAsync(work, key, null, cancellationToken);

    /// <summary>Like the other overload, for an event whose <paramref name="keys"/> the batch may read ahead.</summary>
    public Task<T> ExecuteAsync<T>(Func<WriteContext, CancellationToken, Task<T>> work, EventKeys keys, CancellationToken cancellationToken = default) =>
        ExecuteAsync(work, keys.Conversation, keys, cancellationToken);

    private Task<T> ExecuteAsync<T>(Func<WriteContext, CancellationToken, Task<T>> work, ConversationKey? key, EventKeys? keys, CancellationToken cancellationToken)
    {
        var partition = key?.GetHashCode() ?? Interlocked.Increment(ref _nextQueue);
        var item = new Work<T>(work, key, keys, _queues[(int)((uint)partition % (uint)_queues.Length)], _metrics.QueuedNow());
        if (!item.Queue.Writer.TryWrite(item))
        {
            throw new ObjectDisposedException(nameof(EventWriter));
        }

        return cancellationToken.CanBeCanceled ? item.Task.WaitAsync(cancellationToken) : item.Task;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var queue in _queues)
        {
            queue.Writer.TryComplete();
        }

        await Task.WhenAll(_writers);
        if (_cutOff is not null)
        {
            await _cutOff.DisposeAsync();
        }

        if (_checkpointer is not null)
        {
            await _checkpointer.DisposeAsync();
        }

        _syncer?.Dispose();
        _metrics.Dispose();
    }

    /// <summary>
    /// A writer's loop. SQLite's calls block (its async methods complete synchronously), so its writer runs on a
    /// thread of its own and waits there for work: on a thread-pool thread it would hold one of the pool's few
    /// threads (two on a 2-core machine) for every batch, and requests would queue behind it. Npgsql's calls are
    /// asynchronous, so PostgreSQL writers live on the pool.
    /// </summary>
    private async Task RunAsync(Channel<IWork> queue, bool dedicatedThread)
    {
        var batch = new List<IWork>(MaxBatch);
        WriterConnection? connection = null;
        while (dedicatedThread ? queue.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult() : await queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && queue.Reader.TryRead(out var item))
            {
                item.Requeued = false;
                batch.Add(item);
            }

            if (batch.Count == 0)
            {
                continue;
            }

            var startedAt = Stopwatch.GetTimestamp();
            foreach (var item in batch)
            {
                _metrics.BatchStarted(item.QueuedAt, startedAt);
            }

            try
            {
                if (_syncer?.Failure is { } unsynced)
                {
                    throw new IOException("An earlier sync of the log failed.", unsynced);
                }

                connection ??= await OpenAsync();
                await CommitBatchAsync(connection, batch, startedAt);
                if (_checkpointer?.TakeCatchUp() == true)
                {
                    await _checkpointer.CatchUpAsync(connection.Connection);
                }
            }
            catch (CommitInDoubtException doubt)
            {
                _cutOff!.Settle(doubt.TransactionId, doubt.Marker, doubt.Events.Count, doubt.InnerException!, committed => Answer(doubt, committed));
                await CloseAsync(connection!);
                connection = null;
            }
            catch (Exception ex) when (ex is DbException or InvalidOperationException or IOException or TimeoutException)
            {
                LogBatchFailed(_logger, ex, batch.Count);
                foreach (var item in batch.Where(item => !item.Requeued))
                {
                    item.Fail(new StorageUnavailableException("The database could not commit the event.", ex));
                }

                if (connection is not null)
                {
                    await CloseAsync(connection);
                    connection = null;
                }
            }
        }

        if (connection is not null)
        {
            await CloseAsync(connection);
        }
    }

    /// <summary>Closes a writer's connection once the syncs its batches wait for are done: closing it closes the log they sync.</summary>
    private ValueTask CloseAsync(WriterConnection connection)
    {
        _syncer?.WaitUntilAnswered();
        return connection.DisposeAsync();
    }

    private async Task CommitBatchAsync(WriterConnection connection, List<IWork> batch, long startedAt)
    {
        var ordered = InLockOrder(batch);
        var log = _log;
        if (log is not null)
        {
            log.DeferSyncs = true;
        }

        try
        {
            if (!await TryCommitTogetherAsync(connection, ordered, startedAt))
            {
                await CommitEachInSavepointAsync(connection, ordered, startedAt);
            }
        }
        finally
        {
            if (log is not null)
            {
                log.DeferSyncs = false;
            }
        }
    }

    /// <summary>
    /// The usual case, where no event fails: the events run one after the other straight in the transaction, and on
    /// PostgreSQL they read ahead together and their writes travel together, a few round trips for the whole batch.
    /// The first failure undoes the attempt (false); the batch then runs again event by event.
    /// </summary>
    private async Task<bool> TryCommitTogetherAsync(WriterConnection connection, IReadOnlyList<IWork> batch, long startedAt)
    {
        await using var transaction = await connection.Connection.BeginTransactionAsync();
        var readAhead = _dialect.IsPostgres ? batch.Where(item => item.Keys is not null).Select(item => item.Keys!).ToList() : null;
        var context = NewContext(connection, transaction, readAhead);
        long flushStarted;
        bool committed;
        long? transactionId = null;
        string? marker = null;
        try
        {
            foreach (var item in batch)
            {
                await item.RunAsync(context);
            }

            transactionId = await context.TransactionIdAsync(CancellationToken.None);
            marker = MarkCommit(context);
            flushStarted = Stopwatch.GetTimestamp();
            committed = await context.FlushAsync(commit: true, CancellationToken.None);
            if (!committed)
            {
                flushStarted = Stopwatch.GetTimestamp();
            }
        }
        catch (Exception ex) when (ex is not StorageUnavailableException)
        {
            if (transactionId is { } sentWithCommit && marker is not null && IsBroken(connection.Connection))
            {
                throw new CommitInDoubtException(sentWithCommit, marker, batch, ex);
            }

            LogRunAgainOneByOne(_logger, ex.GetType().Name, batch.Count);
            Interlocked.Increment(ref _runAgain);
            if (AuditChain.HeadMovedMeanwhile(ex))
            {
                // Another writer or node appends to the same chain: reading its head ahead would only make batches run
                // twice, so for a while they lock it just before the commit, as a batch that did not read ahead does.
                Interlocked.Exchange(ref _lockChainHeadsUntil, (_time.GetUtcNow() + LockChainHeadsFor).UtcTicks);
            }

            await RollbackUnlessEndedAsync(transaction);
            return false;
        }

        await CommitAsync(connection.Connection, committed ? null : transaction, (transactionId, marker), batch, startedAt, flushStarted);
        return true;
    }

    /// <summary>A failed commit has already ended the transaction; Npgsql then refuses a rollback, with nothing left to undo.</summary>
    private static async Task RollbackUnlessEndedAsync(DbTransaction transaction)
    {
        try
        {
            await transaction.RollbackAsync();
        }
        catch (InvalidOperationException) when (transaction.Connection?.State == System.Data.ConnectionState.Open)
        {
        }
    }

    /// <summary>
    /// Each event inside a savepoint of its own, so one failing event changes nothing and does not fail the others.
    /// Writes of PostgreSQL are sent at the end of each event, so an error belongs to the event that caused it.
    /// </summary>
    private async Task CommitEachInSavepointAsync(WriterConnection connection, IReadOnlyList<IWork> batch, long startedAt)
    {
        await using var transaction = await connection.Connection.BeginTransactionAsync();
        var context = NewContext(connection, transaction, readAhead: null);
        var transactionId = await context.TransactionIdAsync(CancellationToken.None);
        var done = new List<IWork>(batch.Count);
        foreach (var item in batch)
        {
            await context.BeginEventAsync();
            try
            {
                await item.RunAsync(context);
                await context.EndEventAsync();
                done.Add(item);
            }
            catch (DbException ex) when (ex.IsTransient && item.Attempts < MaxTransientRetries)
            {
                // A deadlock or serialization failure (PostgreSQL): undo this event only and run it again in the next batch.
                await context.RollbackEventAsync();
                item.Attempts++;
                item.Requeued = item.Queue.Writer.TryWrite(item);
                if (!item.Requeued)
                {
                    item.Fail(ex);
                }
            }
            catch (Exception ex) when (ex is not StorageUnavailableException)
            {
                await context.RollbackEventAsync();
                item.Fail(ex);
            }
        }

        var marker = MarkCommit(context);
        await context.FlushAsync(commit: false, CancellationToken.None);
        await CommitAsync(connection.Connection, transaction, (transactionId, marker), done, startedAt, Stopwatch.GetTimestamp());
    }

    private WriteContext NewContext(WriterConnection connection, DbTransaction transaction, IReadOnlyList<EventKeys>? readAhead)
    {
        // Stored times are whole milliseconds; deciding with the same precision keeps answers and rows identical.
        var now = _time.GetUtcNow();
        var chainHeadsAhead = now.UtcTicks >= Interlocked.Read(ref _lockChainHeadsUntil);
        return new WriteContext(connection.Connection, transaction, _dialect, now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMillisecond)), connection.Statements, readAhead, chainHeadsAhead);
    }

    /// <summary>Commits (unless <paramref name="transaction"/> is null: the last writes took the commit with them) and completes the callers.</summary>
    private async Task CommitAsync(
        DbConnection connection, DbTransaction? transaction, (long? Id, string? Marker) marked, IReadOnlyList<IWork> done, long batchStarted, long commitStarted)
    {
        if (transaction is not null)
        {
            try
            {
                await transaction.CommitAsync();
            }
            catch (Exception ex) when (marked is ({ } id, { } marker) && IsBroken(connection))
            {
                throw new CommitInDoubtException(id, marker, done, ex);
            }
        }

        Interlocked.Add(ref _commitTicks, Stopwatch.GetElapsedTime(commitStarted).Ticks);
        _metrics.BatchCommitted(done.Count, batchStarted, commitStarted);
        _checkpointer?.Committed(_log?.LogEnd ?? 0);
        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _events, done.Count);
        if (_syncer is null)
        {
            foreach (var item in done)
            {
                item.Complete();
            }

            return;
        }

        IWork[] acknowledged = [.. done];
        _syncer.AfterSync(failure =>
        {
            foreach (var item in acknowledged)
            {
                if (failure is null)
                {
                    item.Complete();
                }
                else
                {
                    item.Fail(new StorageUnavailableException("The database could not make the event durable.", failure));
                }
            }
        });
    }

    /// <summary>The batch's commit marker, written with its last statements on PostgreSQL; null on SQLite, which needs none.</summary>
    private string? MarkCommit(WriteContext context)
    {
        if (_cutOff?.NewMarker() is not { } marker)
        {
            return null;
        }

        context.MarkCommit(marker);
        return marker;
    }

    /// <summary>A connection that broke while a commit was on its way leaves the commit's fate unknown to this side.</summary>
    private static bool IsBroken(DbConnection? connection) => connection?.State != System.Data.ConnectionState.Open;

    /// <summary>The callers of a batch whose commit was cut off: acknowledged if it committed, refused if it did not, else told that it may have.</summary>
    private static void Answer(CommitInDoubtException doubt, bool? committed)
    {
        foreach (var item in doubt.Events)
        {
            switch (committed)
            {
                case true:
                    item.Complete();
                    break;
                case false:
                    item.Fail(new StorageUnavailableException("The database could not commit the event.", doubt.InnerException!));
                    break;
                default:
                    item.Fail(new CommitOutcomeUnknownException("The database stopped answering while it committed the event; it may be stored.", doubt.InnerException!));
                    break;
            }
        }
    }

    /// <summary>
    /// The batch in the order its events take locks: work that is about no conversation first, then by conversation
    /// (every node uses the same order, so batches on different nodes never deadlock), each conversation's events as
    /// they arrived.
    /// </summary>
    private static IReadOnlyList<IWork> InLockOrder(List<IWork> batch) =>
        batch.Count == 1 ? batch : [.. batch.Select((item, arrival) => (item, arrival)).OrderBy(x => x.item.Key).ThenBy(x => x.arrival).Select(x => x.item)];

    private async Task<WriterConnection> OpenAsync()
    {
        var connection = _dialect.CreateWriterConnection();
        if (connection is SqliteConnection sqlite)
        {
            // SQLite's calls complete on the calling thread, so the flag is set and cleared on the same one; SQLite opens the
            // log while it prepares the connection (its first read of the database).
            WalWriteBuffer.BufferOnThisThread = true;
            try
            {
                await OpenAndPrepareAsync(connection);
            }
            finally
            {
                WalWriteBuffer.BufferOnThisThread = false;
            }

            _log = WalWriteBuffer.BufferedLogOf(sqlite);
        }
        else
        {
            await OpenAndPrepareAsync(connection);
        }

        return new WriterConnection(connection, new StatementCache(connection, reuse: !_dialect.IsPostgres));
    }

    private async Task OpenAndPrepareAsync(DbConnection connection)
    {
        await connection.OpenAsync();
        await _dialect.PrepareAsync(connection, CancellationToken.None);
        await _dialect.PrepareWriterAsync(connection, CancellationToken.None);
    }

    /// <summary>A writer's connection and the statements prepared on it, dropped together when the connection fails.</summary>
    private sealed record WriterConnection(DbConnection Connection, StatementCache Statements) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            Statements.Dispose();
            return Connection.DisposeAsync();
        }
    }

    [LoggerMessage(EventId = 1003, Level = LogLevel.Debug, Message = "An event of a batch of {Count} failed ({Error}); the batch runs again, each event in a savepoint of its own")]
    private static partial void LogRunAgainOneByOne(ILogger logger, string error, int count);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "A batch of {Count} events could not be committed; each caller gets an error and nothing was acknowledged")]
    private static partial void LogBatchFailed(ILogger logger, Exception exception, int count);

    /// <summary>The connection broke while the commit of <paramref name="events"/> was on its way: they may or may not be stored.</summary>
    private sealed class CommitInDoubtException(long transactionId, string marker, IReadOnlyList<IWork> events, Exception inner)
        : Exception("The connection broke while the commit was on its way.", inner)
    {
        public long TransactionId => transactionId;

        public string Marker => marker;

        public IReadOnlyList<IWork> Events { get; } = [.. events];
    }

    private interface IWork
    {
        int Attempts { get; set; }

        /// <summary>Sent back to its queue to run again (a deadlock); a failure of the batch it left is not its own.</summary>
        bool Requeued { get; set; }

        Channel<IWork> Queue { get; }

        /// <summary>When it was queued (<see cref="Stopwatch"/>'s clock), or 0 when nothing measures the wait.</summary>
        long QueuedAt { get; }

        ConversationKey? Key { get; }

        EventKeys? Keys { get; }

        Task RunAsync(WriteContext context);

        void Complete();

        void Fail(Exception exception);
    }

    private sealed class Work<T>(Func<WriteContext, CancellationToken, Task<T>> work, ConversationKey? key, EventKeys? keys, Channel<IWork> queue, long queuedAt) : IWork
    {
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T _result = default!;

        public int Attempts { get; set; }

        public bool Requeued { get; set; }

        public Channel<IWork> Queue => queue;

        public long QueuedAt => queuedAt;

        public ConversationKey? Key => key;

        public EventKeys? Keys => keys;

        public Task<T> Task => _completion.Task;

        public async Task RunAsync(WriteContext context) => _result = await work(context, CancellationToken.None);

        public void Complete() => _completion.TrySetResult(_result);

        public void Fail(Exception exception) => _completion.TrySetException(exception);
    }
}

/// <summary>The database could not be reached or did not commit: nothing was stored; the caller should answer 503, and the carrier will retry.</summary>
public sealed class StorageUnavailableException(string message, Exception inner) : Exception(message, inner);
