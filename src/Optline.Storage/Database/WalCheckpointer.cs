using System.Data.Common;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Optline.Storage.Database;

/// <summary>
/// Copies SQLite's write-ahead log back into the database file on a connection of its own. Left to SQLite, the
/// commit that crosses the log's threshold does it, and every event in that batch waits for the copy and its
/// fsync; here the writer only signals, and the copy runs beside it (a passive checkpoint blocks nobody).
/// </summary>
internal sealed partial class WalCheckpointer : IAsyncDisposable
{
    private const int CommitsPerCheckpoint = 16;

    private readonly Channel<bool> _signals = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Dialect _dialect;
    private readonly ILogger _logger;
    private readonly Task _loop;
    private int _commits;

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
                await using var command = connection.Command("PRAGMA wal_checkpoint(PASSIVE)");
                await command.ExecuteNonQueryAsync();
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
