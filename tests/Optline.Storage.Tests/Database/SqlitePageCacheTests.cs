using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Optline.Storage.Database;
using Optline.Storage.Tests.Support;

namespace Optline.Storage.Tests.Database;

/// <summary>
/// SQLite's page cache skips only the truncations that can drop nothing: after page splits in a database under 1 GiB,
/// not after a rollback that leaves pages past the database's end.
/// The cache's counters are the process's, so these tests run while no other does.
/// </summary>
[Collection(nameof(SqlitePageCacheTests))]
[CollectionDefinition(nameof(SqlitePageCacheTests), DisableParallelization = true)]
public sealed class SqlitePageCacheTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("optline-pcache-").FullName;

    [Fact]
    public async Task Commits_that_split_index_pages_pass_almost_no_truncation_on()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        Assert.True(SqliteDialect.PageCacheInstalled);
        await using var connection = await OpenAsync("splits.db");
        await ExecuteAsync(connection, "CREATE TABLE keyed (key BLOB NOT NULL); CREATE INDEX keyed_by_key ON keyed (key);");

        // Random keys split index pages all over the tree, in almost every commit.
        var before = SqlitePageCache.Truncations;
        for (var commit = 0; commit < 200; commit++)
        {
            await InsertRandomKeysAsync(connection, 100);
        }

        var (asked, passedOn) = (SqlitePageCache.Truncations.Asked - before.Asked, SqlitePageCache.Truncations.PassedOn - before.PassedOn);
        Assert.True(asked >= 200, $"{asked} truncations asked for in 200 commits");
        Assert.True(passedOn * 5 < asked, $"{passedOn} of {asked} truncations passed on");
        Assert.Equal(20_000L, await ScalarAsync(connection, "SELECT count(*) FROM keyed"));
        Assert.Equal("ok", await TextAsync(connection, "PRAGMA integrity_check"));
    }

    [Fact]
    public async Task Pages_past_the_end_after_a_rollback_are_dropped_and_the_file_grows_again_cleanly()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var connection = await OpenAsync("rollback.db");
        await ExecuteAsync(connection, "CREATE TABLE keyed (key BLOB NOT NULL); CREATE INDEX keyed_by_key ON keyed (key);");
        await InsertRandomKeysAsync(connection, 500);
        var pagesBefore = await ScalarAsync(connection, "PRAGMA page_count");

        for (var round = 0; round < 5; round++)
        {
            // Grows the file by hundreds of pages, then takes it all back: the cache holds pages past the end.
            await using (var transaction = await connection.BeginTransactionAsync())
            {
                await InsertRandomKeysAsync(connection, 3000, transaction);
                Assert.True(await ScalarAsync(connection, "PRAGMA page_count") > pagesBefore + 100);
                await transaction.RollbackAsync();
            }

            Assert.Equal(pagesBefore, await ScalarAsync(connection, "PRAGMA page_count"));

            // A savepoint rolled back inside a transaction that commits.
            await using (var transaction = await connection.BeginTransactionAsync())
            {
                await ExecuteAsync(connection, "SAVEPOINT grown", transaction);
                await InsertRandomKeysAsync(connection, 2000, transaction);
                await ExecuteAsync(connection, "ROLLBACK TO SAVEPOINT grown; RELEASE SAVEPOINT grown", transaction);
                await InsertRandomKeysAsync(connection, 100, transaction);
                await transaction.CommitAsync();
            }

            pagesBefore = await ScalarAsync(connection, "PRAGMA page_count");
        }

        Assert.Equal(1000L, await ScalarAsync(connection, "SELECT count(*) FROM keyed"));
        Assert.Equal("ok", await TextAsync(connection, "PRAGMA integrity_check"));

        // Another connection, with a cache of its own, reads the same.
        await using var other = await OpenAsync("rollback.db");
        Assert.Equal(1000L, await ScalarAsync(other, "SELECT count(*) FROM keyed"));
        Assert.Equal("ok", await TextAsync(other, "PRAGMA integrity_check"));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private async Task<SqliteConnection> OpenAsync(string name)
    {
        var connection = new SqliteConnection($"Data Source={Path.Combine(_folder, name)};Pooling=False");
        await connection.OpenAsync();
        await ExecuteAsync(connection, $"PRAGMA page_size={SqliteDialect.PageSize}; PRAGMA journal_mode=WAL; PRAGMA cache_size=-16384;");
        return connection;
    }

    private static async Task InsertRandomKeysAsync(SqliteConnection connection, int count, System.Data.Common.DbTransaction? transaction = null)
    {
        await using var own = transaction is null ? await connection.BeginTransactionAsync() : null;
        await using var insert = connection.CreateCommand();
        insert.Transaction = (SqliteTransaction?)(transaction ?? own);
        insert.CommandText = "INSERT INTO keyed (key) VALUES (@key)";
        var key = insert.Parameters.Add("@key", SqliteType.Blob);
        for (var i = 0; i < count; i++)
        {
            key.Value = RandomNumberGenerator.GetBytes(48);
            await insert.ExecuteNonQueryAsync();
        }

        if (own is not null)
        {
            await own.CommitAsync();
        }
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, System.Data.Common.DbTransaction? transaction = null)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = (SqliteTransaction?)transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> ScalarAsync(SqliteConnection connection, string sql) =>
        Convert.ToInt64(await TextAsync(connection, sql), System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<string?> TextAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
