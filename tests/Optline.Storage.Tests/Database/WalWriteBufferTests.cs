using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Optline.Storage.Database;
using Optline.Storage.Tests.Support;

namespace Optline.Storage.Tests.Database;

/// <summary>
/// The SQLite writer's log writes are gathered into a few writes per commit, and every commit is in the log, whole,
/// by the time it is acknowledged.
/// </summary>
public sealed class WalWriteBufferTests
{
    [Fact]
    public async Task A_burst_of_events_reaches_the_log_in_a_few_writes_per_commit_and_each_acknowledged_one_is_readable_at_once()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        var log = LogOf(db);
        var before = WalWriteBuffer.StatsFor(log);
        var batchesBefore = db.Database.Writer.Stats.Batches;

        var contacts = Enumerable.Range(0, 400).Select(i => $"+1201555{i:0000}").ToList();
        await Task.WhenAll(contacts.Select(async contact =>
        {
            await db.Conversations.ContactSendAsync(db.Inbound(contact, "Hello, is this the office?"));
            // Acknowledged: another connection, with a file handle of its own, reads it from the log.
            Assert.Equal(1L, await ReadAsync(db, $"SELECT count(*) FROM conversations WHERE contact = '{contact}'"));
        }));

        // Two writes a page by SQLite; pieces of up to 124 KB (62 frames) to the file.
        var (sqliteWrites, fileWrites) = Minus(WalWriteBuffer.StatsFor(log), before);
        var commits = db.Database.Writer.Stats.Batches - batchesBefore;
        Assert.True(fileWrites >= commits, $"{fileWrites} writes to the file in {commits} commits");
        Assert.True(fileWrites * 50 <= sqliteWrites, $"{fileWrites} writes to the file for {sqliteWrites} by SQLite, in {commits} commits");
        Assert.Equal("ok", await ReadTextAsync(db, "PRAGMA integrity_check"));
    }

    [Fact]
    public async Task A_commit_larger_than_the_buffer_reaches_the_log_whole()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        var log = LogOf(db);
        var before = WalWriteBuffer.StatsFor(log);
        var payloads = Enumerable.Range(0, 1500).Select(_ => RandomNumberGenerator.GetBytes(3000)).ToList();

        await db.Database.WriteAsync(async (context, ct) =>
        {
            await using (var create = context.Command("CREATE TABLE bulk (id INTEGER PRIMARY KEY, payload BLOB NOT NULL)"))
            {
                await create.ExecuteNonQueryAsync(ct);
            }

            for (var i = 0; i < payloads.Count; i++)
            {
                await using var insert = context.Command("INSERT INTO bulk (id, payload) VALUES (@id, @payload)").With("@id", (long)i).With("@payload", payloads[i]);
                await insert.ExecuteNonQueryAsync(ct);
            }

            return true;
        });

        var (_, fileWrites) = Minus(WalWriteBuffer.StatsFor(log), before);
        Assert.True(fileWrites > 1, $"{fileWrites} writes: 4.5 MB went to the file in pieces");
        var expected = Convert.ToHexString(SHA256.HashData(payloads.SelectMany(p => p).ToArray()));
        await using var connection = await OpenOwnConnectionAsync(db);
        await using var read = connection.CreateCommand();
        read.CommandText = "SELECT payload FROM bulk ORDER BY id";
        await using var reader = await read.ExecuteReaderAsync();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        while (await reader.ReadAsync())
        {
            hash.AppendData((byte[])reader[0]);
        }

        Assert.Equal(expected, Convert.ToHexString(hash.GetHashAndReset()));
        Assert.Equal("ok", await ReadTextAsync(db, "PRAGMA integrity_check"));
    }

    [Fact]
    public async Task Connections_other_than_the_writers_write_their_log_as_SQLite_does()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        var log = LogOf(db);
        var before = WalWriteBuffer.StatsFor(log);

        await db.ExecuteAsync("UPDATE organizations SET name = name");

        Assert.Equal((0L, 0L), Minus(WalWriteBuffer.StatsFor(log), before));
    }

    private static string LogOf(TestDatabase db) => new SqliteConnectionStringBuilder(db.Options.ConnectionString).DataSource + "-wal";

    private static (long, long) Minus((long SqliteWrites, long FileWrites) after, (long SqliteWrites, long FileWrites) before) =>
        (after.SqliteWrites - before.SqliteWrites, after.FileWrites - before.FileWrites);

    private static async Task<long> ReadAsync(TestDatabase db, string sql) => Convert.ToInt64(await ReadTextAsync(db, sql), CultureInfo.InvariantCulture);

    private static async Task<string?> ReadTextAsync(TestDatabase db, string sql)
    {
        await using var connection = await OpenOwnConnectionAsync(db);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    /// <summary>A connection out of the pool: its own handle on the log, which reads only what reached the file.</summary>
    private static async Task<SqliteConnection> OpenOwnConnectionAsync(TestDatabase db)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder(db.Options.ConnectionString) { Pooling = false }.ToString());
        await connection.OpenAsync();
        return connection;
    }
}
