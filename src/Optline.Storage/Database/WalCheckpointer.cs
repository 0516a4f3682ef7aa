using System.Data.Common;
using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Optline.Storage.Database;

/// <summary>
/// Copies SQLite's write-ahead log back into the database file on a connection of its own. Left to SQLite, the
/// commit that crosses the log's threshold does it, and every event in that batch waits for the copy and its
/// fsync; here the writer only signals, and the copy runs beside it (a passive checkpoint blocks nobody).
/// A checkpoint beside a writer that is always busy never catches up with it, though, and the log starts over from
/// its beginning only once all of it is copied: under sustained load it grew by 30 MB a second. Past a bound the
/// writer is asked to copy the rest itself, between two batches (<see cref="TakeCatchUp"/>), and its next commit starts
/// the log over. Every batch behind it waits for that copy and its fsync, so it must find little to do: before asking,
/// the checkpointer copies again and again, each pass what the writer added during the last one, until a pass finds
/// only a few commits' pages; and it syncs the database file after every pass (<see cref="DatabaseFileSync"/>), which
/// SQLite leaves to the checkpoint that copies everything — the writer's, which waited 15–70 ms for it before.
/// </summary>
internal sealed partial class WalCheckpointer : IAsyncDisposable
{
    /// <summary>
    /// Commits between two checkpoints. A page that several commits change in the meantime is copied once, and the copies
    /// take less of the disk and of the cores the writer shares. Side by side, 128 against 32 (with the bound below
    /// raised with it) gave 9 % more durable webhooks/s and a lower p99 at a constant rate.
    /// </summary>
    private const int CommitsPerCheckpoint = 128;

    /// <summary>Log frames (pages) past which the writer catches up: 32 MB at 2 KB pages, a few seconds of saturation.</summary>
    public const int CatchUpAfterFrames = 16384;

    /// <summary>What a pass may find to copy for the checkpointer to stop and let the writer copy the rest: a few commits' pages.</summary>
    private const int CatchUpAtMostFrames = 256;

    /// <summary>Passes before the writer is asked anyway: a writer that outpaces them would never let the log start over.</summary>
    private const int PassesBeforeCatchUp = 8;

    /// <summary>
    /// A log this long is copied by the writer after its commit whatever the passes are doing: on a machine so busy that
    /// this thread waited for a core, the passes took long enough for the log to reach four times its bound. A catch-up
    /// that finds a pass copying copies nothing, and the next commit asks again.
    /// </summary>
    private const long CatchUpAtOnceBytes = 2L * CatchUpAfterFrames * (SqliteDialect.PageSize + 24);

    private readonly Channel<bool> _signals = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly SqliteDialect _dialect;
    private readonly ILogger _logger;
    private readonly Task _loop;
    private int _commits;
    private volatile bool _catchUp;
    private long _catchUps;
    private long _catchUpTicks;

    public WalCheckpointer(SqliteDialect dialect, ILogger logger)
    {
        _dialect = dialect;
        _logger = logger;
        // Its calls block for as long as the copy and its fsync take: a thread of its own, not one of the pool's.
        _loop = Task.Factory.StartNew(() => RunAsync().GetAwaiter().GetResult(), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>Called by the writer after each commit, with where its log ends now (<see cref="WalWriteBuffer.BufferedLog.LogEnd"/>; 0 if unknown).</summary>
    public void Committed(long logEnd)
    {
        if (Interlocked.Increment(ref _commits) % CommitsPerCheckpoint == 0)
        {
            _signals.Writer.TryWrite(true);
        }

        if (logEnd > CatchUpAtOnceBytes)
        {
            _catchUp = true;
        }
    }

    /// <summary>True once when the writer should copy the rest of the log itself before its next batch.</summary>
    public bool TakeCatchUp()
    {
        if (!_catchUp)
        {
            return false;
        }

        _catchUp = false;
        return true;
    }

    /// <summary>The writer copies the rest of the log; its time is counted in <see cref="CatchUps"/>.</summary>
    public async Task CatchUpAsync(DbConnection connection)
    {
        var started = Stopwatch.GetTimestamp();
        await CheckpointAsync(connection);
        Interlocked.Increment(ref _catchUps);
        Interlocked.Add(ref _catchUpTicks, Stopwatch.GetElapsedTime(started).Ticks);
    }

    /// <summary>How often the writer caught up, and the time it spent on it.</summary>
    public (long Count, TimeSpan Time) CatchUps => (Interlocked.Read(ref _catchUps), TimeSpan.FromTicks(Interlocked.Read(ref _catchUpTicks)));

    /// <summary>A passive checkpoint on <paramref name="connection"/>: the frames in the log, and how many of them are copied.</summary>
    private static async Task<(long Frames, long Copied)> CheckpointAsync(DbConnection connection)
    {
        await using var command = connection.Command("PRAGMA wal_checkpoint(PASSIVE)");
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? (reader.GetInt64(1), reader.GetInt64(2)) : (0, 0);
    }

    /// <summary>
    /// Passes until the log is within its bound or a pass finds little to copy; true when the writer should copy the rest.
    /// A pass copies the log as it was when the pass began, so what the next one finds is what the writer added meanwhile,
    /// and the shorter a pass, the less it leaves.
    /// </summary>
    private static async Task<bool> PassesAsync(SqliteConnection connection)
    {
        long? copiedBefore = null;
        for (var pass = 1; ; pass++)
        {
            var (frames, copied) = await CheckpointAsync(connection);
            DatabaseFileSync.Sync(connection);
            if (frames < CatchUpAfterFrames)
            {
                return false;
            }

            if (frames - copiedBefore <= CatchUpAtMostFrames || pass == PassesBeforeCatchUp)
            {
                return true;
            }

            copiedBefore = copied;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _signals.Writer.TryComplete();
        await _loop;
    }

    private async Task RunAsync()
    {
        SqliteConnection? connection = null;
        while (_signals.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            _signals.Reader.TryRead(out _);
            try
            {
                connection ??= await OpenAsync();
                _catchUp = await PassesAsync(connection);
            }
            catch (Exception ex) when (ex is DbException or InvalidOperationException or IOException)
            {
                // The next signal tries again; meanwhile the log only grows.
                LogCheckpointFailed(_logger, ex);
                if (connection is not null)
                {
                    await connection.DisposeAsync();
                    connection = null;
                }
            }
        }

        if (connection is not null)
        {
            await connection.DisposeAsync();
        }
    }

    private async Task<SqliteConnection> OpenAsync()
    {
        var connection = (SqliteConnection)_dialect.CreateConnection();
        await connection.OpenAsync();
        await _dialect.PrepareAsync(connection, CancellationToken.None);
        return connection;
    }

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "A checkpoint of the write-ahead log failed")]
    private static partial void LogCheckpointFailed(ILogger logger, Exception exception);
}
