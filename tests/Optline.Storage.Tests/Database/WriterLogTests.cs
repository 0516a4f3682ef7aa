using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Optline.Storage.Database;

namespace Optline.Storage.Tests.Database;

/// <summary>
/// The SQLite writer's log is buffered and synced beside the writer whatever else happens in the process: reads of the
/// pool inside an event, the pool emptied, a data folder reached through a symbolic link.
/// </summary>
public sealed class WriterLogTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("optline-writerlog-").FullName;

    [Fact]
    public async Task A_read_of_the_pool_inside_an_event_and_the_pool_emptied_leave_the_writers_log_synced()
    {
        var (dialect, log) = await NewDatabaseAsync(_folder);
        await using var writer = new EventWriter(dialect, TimeProvider.System, NullLogger<EventWriter>.Instance);
        await writer.ExecuteAsync((context, ct) => ExecuteAsync(context, "CREATE TABLE kept (id INTEGER PRIMARY KEY)", ct));

        // As an event does when it looks up its organization: a pooled connection opened on the writer's thread.
        await writer.ExecuteAsync(async (context, ct) =>
        {
            await using (var reader = dialect.CreateConnection())
            {
                await reader.OpenAsync(ct);
                await using var count = reader.CreateCommand();
                count.CommandText = "SELECT COUNT(*) FROM kept";
                await count.ExecuteScalarAsync(ct);
            }

            return await ExecuteAsync(context, "INSERT INTO kept (id) VALUES (1)", ct);
        });
        SqliteConnection.ClearAllPools();

        for (var id = 2; id <= 5; id++)
        {
            await writer.ExecuteAsync((context, ct) => ExecuteAsync(context, $"INSERT INTO kept (id) VALUES ({id})", ct));
        }

        Assert.Null(writer.Failure);
        var (deferred, synced) = WalWriteBuffer.DeferredSyncsFor(log);
        Assert.True(deferred >= 6, $"the writer's commits left their syncs to the syncer ({deferred})");
        Assert.Equal(deferred, synced);
    }

    [Fact]
    public async Task A_data_folder_behind_a_symbolic_link_is_synced_beside_the_writer()
    {
        var real = Directory.CreateDirectory(Path.Combine(_folder, "real")).FullName;
        var link = Path.Combine(_folder, "link");
        Directory.CreateSymbolicLink(link, real);
        var (dialect, _) = await NewDatabaseAsync(link);
        await using var writer = new EventWriter(dialect, TimeProvider.System, NullLogger<EventWriter>.Instance);

        await writer.ExecuteAsync((context, ct) => ExecuteAsync(context, "CREATE TABLE kept (id INTEGER PRIMARY KEY)", ct));
        for (var id = 1; id <= 5; id++)
        {
            await writer.ExecuteAsync((context, ct) => ExecuteAsync(context, $"INSERT INTO kept (id) VALUES ({id})", ct));
        }

        // SQLite names the log by the folder's real path: the syncs owed are counted there, and all were done.
        var (deferred, synced) = WalWriteBuffer.DeferredSyncsFor(Path.Combine(real, "optline.db-wal"));
        Assert.True(deferred >= 6, $"the writer's commits left their syncs to the syncer ({deferred})");
        Assert.Equal(deferred, synced);
        Assert.True(writer.LogSyncs.Count >= 6);
    }

    [Fact]
    public async Task A_log_closed_while_it_owes_syncs_does_them_before_it_closes()
    {
        var (dialect, log) = await NewDatabaseAsync(_folder);
        var writer = new EventWriter(dialect, TimeProvider.System, NullLogger<EventWriter>.Instance, writers: null, syncLog: _ => SqliteNative.Ok);
        await writer.ExecuteAsync((context, ct) => ExecuteAsync(context, "CREATE TABLE kept (id INTEGER PRIMARY KEY)", ct));
        await writer.ExecuteAsync((context, ct) => ExecuteAsync(context, "INSERT INTO kept (id) VALUES (1)", ct));
        var (owed, syncedBefore) = WalWriteBuffer.DeferredSyncsFor(log);
        Assert.True(owed > syncedBefore, $"the syncer, told to do nothing, left the syncs owed ({syncedBefore} of {owed})");

        await writer.DisposeAsync();

        var (deferred, synced) = WalWriteBuffer.DeferredSyncsFor(log);
        Assert.Equal(owed, deferred);
        Assert.Equal(deferred, synced);
    }

    [Fact]
    public async Task A_batch_that_writes_nothing_is_not_counted_as_a_sync_of_the_log()
    {
        var (dialect, _) = await NewDatabaseAsync(_folder);
        await using var writer = new EventWriter(dialect, TimeProvider.System, NullLogger<EventWriter>.Instance);
        await writer.ExecuteAsync((context, ct) => ExecuteAsync(context, "CREATE TABLE kept (id INTEGER PRIMARY KEY)", ct));
        await writer.ExecuteAsync((context, ct) => ExecuteAsync(context, "INSERT INTO kept (id) VALUES (1)", ct));
        var before = writer.LogSyncs.Count;

        await writer.ExecuteAsync((context, ct) => ExecuteAsync(context, "SELECT COUNT(*) FROM kept", ct));

        Assert.True(before >= 2, $"each write was synced beside the writer ({before})");
        Assert.Equal(before, writer.LogSyncs.Count);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private static async Task<(SqliteDialect Dialect, string Log)> NewDatabaseAsync(string folder)
    {
        var path = Path.Combine(folder, "optline.db");
        var dialect = new SqliteDialect($"Data Source={path}");
        await using (var connection = dialect.CreateConnection())
        {
            await connection.OpenAsync();
            await dialect.PrepareAsync(connection, CancellationToken.None);
        }

        return (dialect, path + "-wal");
    }

    private static async Task<int> ExecuteAsync(WriteContext context, string sql, CancellationToken cancellationToken)
    {
        await using var command = context.Command(sql);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
