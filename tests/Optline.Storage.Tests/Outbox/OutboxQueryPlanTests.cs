using Microsoft.Data.Sqlite;
using Optline.Storage.Outbox;
using Optline.Storage.Tests.Support;

namespace Optline.Storage.Tests.Outbox;

/// <summary>
/// An opt-out cancels its conversation's queued messages through the conversation's index, never by walking the
/// outbox's due index over the whole backlog (SQLite plans without statistics and could pick either; so could
/// PostgreSQL's plans prepared while the tables were small).
/// </summary>
public sealed class OutboxQueryPlanTests
{
    [Fact]
    public async Task An_opt_outs_cancellations_read_only_the_conversations_rows()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Sqlite);

        foreach (var sql in new[] { OutboxRows.RevokeClaimedSql, OutboxRows.DeleteUnclaimedSql })
        {
            var plan = await PlanAsync(db, sql);
            Assert.Contains("USING INDEX outbox_by_conversation (conversation_id=?)", plan, StringComparison.Ordinal);
        }
    }

    private static Task<string> PlanAsync(TestDatabase db, string sql) =>
        db.Database.ReadAsync(async connection =>
        {
            await using var command = (SqliteCommand)connection.CreateCommand();
            command.CommandText = "EXPLAIN QUERY PLAN " + sql;
            command.Parameters.AddWithValue("@conversation", 1L);
            command.Parameters.AddWithValue("@never", "never");
            var steps = new List<string>();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                steps.Add(reader.GetString(3));
            }

            return string.Join(" | ", steps);
        });
}
