using System.Data.Common;
using System.Globalization;
using Optline.Storage.Database;
using Optline.Storage.Tests.Support;

namespace Optline.Storage.Tests.Database;

/// <summary>Acknowledged means durable: the settings every writer connection gets.</summary>
public sealed class DurabilityTests
{
    [Theory, AllDatabases]
    public async Task Writer_connections_commit_durably(string provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var connection = db.Database.Dialect.CreateConnection();
        await connection.OpenAsync();
        await db.Database.Dialect.PrepareAsync(connection, CancellationToken.None);

        if (db.IsPostgres)
        {
            Assert.Equal("on", await ScalarAsync(connection, "SHOW synchronous_commit"));
        }
        else
        {
            Assert.Equal("wal", await ScalarAsync(connection, "PRAGMA journal_mode"));
            Assert.Equal("2", await ScalarAsync(connection, "PRAGMA synchronous")); // 2 = FULL
            Assert.Equal("1", await ScalarAsync(connection, "PRAGMA foreign_keys"));
        }
    }

    [Theory, AllDatabases]
    public async Task Writes_run_inside_a_durable_connection(string provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);

        var setting = await db.Database.WriteAsync(async (context, ct) =>
        {
            await using var command = context.Command(db.IsPostgres ? "SHOW synchronous_commit" : "PRAGMA synchronous");
            return Convert.ToString(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        });

        Assert.Equal(db.IsPostgres ? "on" : "2", setting);
    }

    [Fact]
    public async Task The_sqlite_writer_keeps_statement_journals_and_dirty_pages_in_memory_and_checkpoints_aside()
    {
        await using var db = await TestDatabase.CreateAsync("sqlite");

        var (temp, autoCheckpoint, spill) = await db.Database.WriteAsync(async (context, ct) =>
        {
            await using var tempStore = context.Command("PRAGMA temp_store");
            await using var checkpoint = context.Command("PRAGMA wal_autocheckpoint");
            await using var cacheSpill = context.Command("PRAGMA cache_spill");
            return (Convert.ToString(await tempStore.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture),
                Convert.ToString(await checkpoint.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture),
                Convert.ToString(await cacheSpill.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture));
        });

        Assert.Equal("2", temp); // 2 = MEMORY
        Assert.Equal("0", autoCheckpoint);
        Assert.Equal("0", spill); // dirty pages reach the log only with their commit (WalWriteBuffer)
    }

    [Fact]
    public async Task Sqlite_counts_no_allocations_under_its_global_mutex()
    {
        await using var db = await TestDatabase.CreateAsync("sqlite");
        await using var connection = db.Database.Dialect.CreateConnection();
        await connection.OpenAsync();
        Assert.Equal("0", await ScalarAsync(connection, "SELECT count(*) FROM conversations"));

        Assert.True(SqliteDialect.MemoryStatisticsOff);
        Assert.Equal(0, SQLitePCL.raw.sqlite3_memory_used());
    }

    private static async Task<string?> ScalarAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }
}
