using System.Data.Common;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Optline.Storage.Database;

/// <summary>
/// Copies SQLite's write-ahead log back into the database file on a connection of its own. Left to SQLite, the
/// commit that crosses the log's threshold does it, and every event in that batch waits for the copy and its
/// fsync; here the writer only signals, and the copy runs beside it (a passive checkpoint blocks nobody).
/// A checkpoint beside a writer that is always busy never catches up with it, though, and the log starts over from
/// its beginning only once all of it is copied: under sustained load it grew by 30 MB a second. Past a bound the
/// writer is asked to copy the rest itself, between two batches (<see cref="TakeCatchUp"/>); the checkpoints beside
/// it have copied most of the log by then, so that costs it a few milliseconds, and its next commit starts the log over.
/// </summary>
internal sealed partial class WalCheckpointer : IAsyncDisposable
{
    /// <summary>
    /// Commits between two checkpoints. A page that several commits change in the meantime is copied once, and the copies
    /// take less of the cores the writer shares: side by side, durable webhooks/s rose by 6–12 % with 32 against 16, and
    /// by 11–25 % with 64, whose log outgrew its bound (<see cref="CatchUpAfterFrames"/>) under first contacts.
    /// </summary>
    private const int CommitsPerCheckpoint = 32;

    /// <summary>Log frames (pages) past which the writer catches up: 8 MB at 2 KB pages.</summary>
    public const int CatchUpAfterFrames = 4096;

    private readonly Channel<bool> _signals = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Dialect _dialect;
    private readonly ILogger _logger;
    private readonly Task _loop;
    private int _commits;
    private volatile bool _catchUp;

    public WalCheckpointer(Dialect dialect, ILogger logger)
    {
        _dialect = dialect;
        _logger = logger;
        // Its calls block for as long as the copy and its fsync take: a thread of its own, not one of the pool's.
        _loop = Task.Factory.StartNew(() => RunAsync().GetAwaiter().GetResult(), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>Called by the writer after each commit.</summary>
    public void Committed()
    {
        if (Interlocked.Increment(ref _commits) % CommitsPerCheckpoint == 0)
        {
            _signals.Writer.TryWrite(true);
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

    /// <summary>A passive checkpoint on <paramref name="connection"/>; returns the frames it found in the log.</summary>
    public static async Task<long> CheckpointAsync(DbConnection connection)
    {
        await using var command = connection.Command("PRAGMA wal_checkpoint(PASSIVE)");
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? reader.GetInt64(1) : 0;
    }

    public async ValueTask DisposeAsync()
    {
        _signals.Writer.TryComplete();
        await _loop;
    }

    private async Task RunAsync()
    {
        DbConnection? connection = null;
        while (_signals.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            _signals.Reader.TryRead(out _);
            try
            {
                connection ??= await OpenAsync();
                _catchUp = await CheckpointAsync(connection) >= CatchUpAfterFrames;
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

    private async Task<DbConnection> OpenAsync()
    {
        var connection = _dialect.CreateConnection();
        await connection.OpenAsync();
        await _dialect.PrepareAsync(connection, CancellationToken.None);
        return connection;
    }

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "A checkpoint of the write-ahead log failed")]
    private static partial void LogCheckpointFailed(ILogger logger, Exception exception);
}
