using Microsoft.Extensions.Logging.Abstractions;
using Optline.Storage.Database;

namespace Optline.Storage.Tests.Database;

/// <summary>After a failed sync of the SQLite log the writer acknowledges nothing, the failed batch included, until it starts again.</summary>
public sealed class LogSyncFailureTests : IDisposable
{
    private const int SqliteIoError = 10;

    private readonly string _folder = Directory.CreateTempSubdirectory("optline-syncfail-").FullName;

    [Fact]
    public async Task A_failed_sync_fails_its_events_and_every_later_one()
    {
        var syncs = 0;
        var dialect = new SqliteDialect($"Data Source={Path.Combine(_folder, "fail.db")}");
        await using (var connection = dialect.CreateConnection())
        {
            await connection.OpenAsync();
            await dialect.PrepareAsync(connection, CancellationToken.None);
        }

        await using var writer = new EventWriter(dialect, TimeProvider.System, NullLogger<EventWriter>.Instance, writers: null, syncLog: log =>
            Interlocked.Increment(ref syncs) == 2 ? SqliteIoError : log.SyncDeferred());

        await writer.ExecuteAsync((context, ct) => ExecuteAsync(context, "CREATE TABLE kept (id INTEGER PRIMARY KEY)", ct));
        Assert.Null(writer.Failure);

        var failed = await Assert.ThrowsAsync<StorageUnavailableException>(() => writer.ExecuteAsync((context, ct) => ExecuteAsync(context, "INSERT INTO kept (id) VALUES (1)", ct)));
        var later = await Assert.ThrowsAsync<StorageUnavailableException>(() => writer.ExecuteAsync((context, ct) => ExecuteAsync(context, "INSERT INTO kept (id) VALUES (2)", ct)));

        Assert.IsType<IOException>(failed.InnerException);
        Assert.NotNull(writer.Failure);
        Assert.Contains("could not sync its write-ahead log", writer.Failure!.Message);
        Assert.NotNull(later.InnerException);
        Assert.Equal(2, Volatile.Read(ref syncs));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private static async Task<int> ExecuteAsync(WriteContext context, string sql, CancellationToken cancellationToken)
    {
        await using var command = context.Command(sql);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
