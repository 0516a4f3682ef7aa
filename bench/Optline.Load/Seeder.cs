using System.Data.Common;
using System.Globalization;
using Optline.Storage.Database;

namespace Optline.Load;

/// <summary>How seeded conversations are spread over consent states.</summary>
public enum SeedStates
{
    OptedIn,

    /// <summary>An opt-in request the contact started is waiting for YES.</summary>
    Pending,

    /// <summary>Footprint database: 60 % opted in, 15 % pending, 10 % opted out, 15 % none, as a firm's registry might look.</summary>
    Registry,
}

/// <summary>
/// Bulk inserts with set-based SQL in one transaction (a recursive CTE on SQLite, generate_series on PostgreSQL).
/// Creating a million conversations through the HTTP path would take longer than the whole run, so the rows the
/// product would have written are written directly, with the same columns and values the unit of work writes.
/// </summary>
public sealed class Seeder(Dialect dialect)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public async Task<DbConnection> OpenAsync()
    {
        var connection = dialect.CreateConnection();
        await connection.OpenAsync();
        await dialect.PrepareAsync(connection, CancellationToken.None);
        return connection;
    }

    /// <summary>Rows 0..count-1 as <c>seq(i)</c>, then the statement.</summary>
    private string Series(long count, string insertInto, string select) =>
        dialect.IsPostgres
            ? $"{insertInto} {select} FROM generate_series(0, {count - 1}) AS seq(i)"
            : $"WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i + 1 < {count}) {insertInto} {select} FROM seq";

    private static string L(long value) => value.ToString(Inv);

    public async Task<long> ExecuteAsync(string sql, int timeoutSeconds = 600)
    {
        await using var connection = await OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.CommandTimeout = timeoutSeconds;
        var rows = await command.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
        return rows;
    }

    /// <summary>A statement that must run outside a transaction (a WAL checkpoint, VACUUM).</summary>
    public async Task PlainAsync(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = 600;
        await command.ExecuteNonQueryAsync();
    }

    public async Task<long> ScalarAsync(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), Inv);
    }

    /// <summary>Lines numbered +1 (numberBase + k), k = 0..count-1; returns their ids in that order (contiguous in a fresh table).</summary>
    public async Task<long[]> SeedLinesAsync(long organizationId, long numberBase, int count, long nowMs)
    {
        await ExecuteAsync(Series(count, "INSERT INTO lines (organization_id, number, display_name, created_at)",
            $"SELECT {L(organizationId)}, '+1' || ({L(numberBase)} + i), 'Adviser ' || i, {L(nowMs)}"));
        return await LineIdsAsync(organizationId, numberBase, count);
    }

    /// <summary>The ids of the lines numbered +1 (numberBase + k), k = 0..count-1, in that order.</summary>
    public async Task<long[]> LineIdsAsync(long organizationId, long numberBase, int count)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT id FROM lines WHERE organization_id = {L(organizationId)} AND number >= '+1{L(numberBase)}' AND number <= '+1{L(numberBase + count - 1)}' ORDER BY number";
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new List<long>();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetInt64(0));
        }

        return [.. ids];
    }

    /// <summary>
    /// Conversation i: line <c>lineIds[i mod lines]</c>, contact +1 (contactBase + i), SMS. The line ids must be
    /// contiguous (they are, in a fresh database). Returns the id of conversation 0 (the ids are contiguous too).
    /// </summary>
    public async Task<long> SeedConversationsAsync(long organizationId, long[] lineIds, long contactBase, int count, SeedStates states, long nowMs)
    {
        if (lineIds.Length == 0 || lineIds[^1] - lineIds[0] != lineIds.Length - 1)
        {
            throw new InvalidOperationException("Seeding needs contiguous line ids.");
        }

        var hour = L(nowMs - 3_600_000);
        var kind = states switch
        {
            SeedStates.OptedIn => "2",
            SeedStates.Pending => "1",
            _ => "CASE WHEN i % 20 < 12 THEN 2 WHEN i % 20 < 15 THEN 1 WHEN i % 20 < 17 THEN 3 ELSE 0 END",
        };
        // Columns by state, as ConversationRows.SaveAsync writes them.
        string When(string pending, string optedIn, string optedOut, string none) => states switch
        {
            SeedStates.OptedIn => optedIn,
            SeedStates.Pending => pending,
            _ => $"CASE WHEN i % 20 < 12 THEN {optedIn} WHEN i % 20 < 15 THEN {pending} WHEN i % 20 < 17 THEN {optedOut} ELSE {none} END",
        };
        var since = $"{hour} - (i % 86400) * 1000";
        var nul = dialect.IsPostgres ? "CAST(NULL AS BIGINT)" : "NULL";
        var nulText = dialect.IsPostgres ? "CAST(NULL AS TEXT)" : "NULL";
        var select =
            $"SELECT {L(organizationId)}, {L(lineIds[0])} + i % {L(lineIds.Length)}, '+1' || ({L(contactBase)} + i), 0, {kind}, " +
            $"{When(since, since, since, nul)}, {When("1", "2", "3", "0")}, " +
            $"{When("1", nul, nul, nul)}, {When(since, nul, nul, nul)}, {When(since, nul, nul, nul)}, {When("1", nul, nul, nul)}, {When("0", nul, nul, nul)}, " +
            $"{When(nul, nul, "0", nul)}, {When(nulText, nulText, "'keyword: STOP'", nulText)}, {When(since, since, since, nul)}";
        var before = await ScalarAsync("SELECT COALESCE(MAX(id), 0) FROM conversations");
        await ExecuteAsync(Series(count,
            "INSERT INTO conversations (organization_id, line_id, contact, channel, state, since, version, request_initiator, request_first_at, request_last_at, " +
            "requests_sent, request_after_opt_out, opt_out_source, opt_out_how, last_inbound_at)", select));
        var (first, last) = (await ScalarAsync($"SELECT MIN(id) FROM conversations WHERE id > {L(before)}"), await ScalarAsync("SELECT MAX(id) FROM conversations"));
        if (last - first != count - 1)
        {
            throw new InvalidOperationException("Seeded conversation ids are not contiguous.");
        }

        return first;
    }

    /// <summary>
    /// A backlog in the outbox: row i is a queued message of conversation <c>firstConversation + i mod conversations</c>,
    /// due at <paramref name="dueMs"/>(i) (SQL over <c>i</c>), as OutboxRows.EnqueueAsync and MessageRows.InsertAsync write them.
    /// </summary>
    public async Task SeedOutboxAsync(long organizationId, long firstConversation, int conversations, long count, long idBase, string dueMs, string body, long nowMs)
    {
        var id = dialect.IsPostgres
            ? $"CAST(lpad(to_hex({L(idBase)} + i), 32, '0') AS uuid)"
            : $"unhex(printf('%032x', {L(idBase)} + i))";
        var conversation = $"{L(firstConversation)} + i % {L(conversations)}";
        await ExecuteAsync(Series(count,
            "INSERT INTO messages (id, conversation_id, kind, direction, body, status, reason, template_id, template_language, template_version, as_whatsapp_template, provider_message_id, created_at, updated_at)",
            $"SELECT {id}, {conversation}, 0, 1, {body}, 'queued', NULL, NULL, NULL, NULL, 0, NULL, {L(nowMs)}, {L(nowMs)}"));
        await ExecuteAsync(Series(count,
            "INSERT INTO outbox (message_id, organization_id, conversation_id, requires, due_at, attempts, dead)",
            $"SELECT {id}, {L(organizationId)}, {conversation}, 'consent', {dueMs}, 0, 0"));
    }

    /// <summary>
    /// Bytes on disk of each table with its indexes, on SQLite without dbstat (the bundled e_sqlite3 lacks it):
    /// <c>VACUUM INTO</c> a compact copy, then per table drop it from a copy of that copy, VACUUM, and take the difference
    /// in file size. <paramref name="prepare"/> may change the compact copy first (to add a baseline table, say).
    /// </summary>
    public static async Task<(long Total, Dictionary<string, long> Bytes)> SqliteTableBytesAsync(string databasePath, IEnumerable<string> tables, string? prepare = null)
    {
        var directory = Path.Combine(Path.GetDirectoryName(databasePath)!, "sizes-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        try
        {
            var compact = Path.Combine(directory, "compact.db");
            await SqliteAsync(databasePath, $"VACUUM INTO '{compact}'");
            if (prepare is not null)
            {
                await SqliteAsync(compact, prepare);
                await SqliteAsync(compact, "VACUUM");
            }

            var total = new FileInfo(compact).Length;
            var bytes = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var table in tables)
            {
                var without = Path.Combine(directory, table + ".db");
                File.Copy(compact, without);
                await SqliteAsync(without, $"DROP TABLE {table}");
                await SqliteAsync(without, "VACUUM");
                bytes[table] = total - new FileInfo(without).Length;
                File.Delete(without);
            }

            return (total, bytes);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task SqliteAsync(string path, string sql)
    {
        var builder = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder { DataSource = path, Pooling = false };
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection(builder.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        // Only a copy is changed here; the bundled SQLite enforces foreign keys by default, and a table is dropped whole.
        command.CommandText = "PRAGMA foreign_keys=OFF; " + sql;
        command.CommandTimeout = 600;
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Bytes per table with its indexes and TOAST on PostgreSQL.</summary>
    public async Task<Dictionary<string, long>> PostgresBytesByTableAsync()
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT relname, pg_total_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r'";
        await using var reader = await command.ExecuteReaderAsync();
        var bytes = new Dictionary<string, long>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            bytes[reader.GetString(0)] = reader.GetInt64(1);
        }

        return bytes;
    }
}
