using Microsoft.Data.Sqlite;
using Optline.Storage.Database;

namespace Optline.Storage.Tests.Database;

/// <summary>The checkpointer syncs the database file through SQLite's own handle of it.</summary>
public sealed class DatabaseFileSyncTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("optline-sync-").FullName;

    [Fact]
    public async Task Syncing_an_open_database_file_succeeds_inside_a_read_and_between_writes()
    {
        var path = Path.Combine(_folder, "sync.db");
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        await Execute(connection, "PRAGMA journal_mode=WAL; CREATE TABLE t (v INTEGER); INSERT INTO t VALUES (1);");

        // Inside a read transaction, as a checkpoint beside readers would be.
        await using var transaction = await connection.BeginTransactionAsync();
        DatabaseFileSync.Sync(connection);
        await Execute(connection, "SELECT count(*) FROM t");
        await transaction.CommitAsync();

        await using var other = new SqliteConnection($"Data Source={path};Pooling=False");
        await other.OpenAsync();
        await Execute(other, "INSERT INTO t VALUES (2);");
        DatabaseFileSync.Sync(connection);
        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT count(*) FROM t";
        Assert.Equal(2L, await count.ExecuteScalarAsync());
    }

    [Fact]
    public void A_closed_connection_is_refused()
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_folder, "closed.db")}");
        Assert.Throws<InvalidOperationException>(() => DatabaseFileSync.Sync(connection));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static async Task Execute(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
