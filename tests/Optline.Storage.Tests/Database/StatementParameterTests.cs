using Optline.Core.Consent;
using Optline.Storage.Conversations;
using Optline.Storage.Database;
using Optline.Storage.Tests.Support;

namespace Optline.Storage.Tests.Database;

/// <summary>
/// How a write's parameters reach the database: PostgreSQL statements go with positional parameters, a null is sent
/// with its type, so a statement keeps one prepared form whatever its values, and writes that wait together keep their order.
/// </summary>
public sealed class StatementParameterTests
{
    [Fact]
    public void Names_become_positions_in_order_of_first_use_and_a_repeated_name_keeps_its_position()
    {
        var sql = PositionalSql.For("INSERT INTO t (a, b, c, d) VALUES (@id, @at, @body, @at)")!;

        Assert.Equal("INSERT INTO t (a, b, c, d) VALUES ($1, $2, $3, $2)", sql.Text);
        Assert.Equal(["@id", "@at", "@body"], sql.Names);
        Assert.Equal(2, sql.PositionOf("@body", likely: 0));
        Assert.Equal(-1, sql.PositionOf("@unused", likely: 0));
    }

    [Fact]
    public void Literals_casts_and_operators_are_left_as_they_are()
    {
        var sql = PositionalSql.For("SELECT x FROM t WHERE note = 'mail@example.com' AND tags @> @tags::text[] AND id = ANY(@ids::bigint[]);")!;

        Assert.Equal("SELECT x FROM t WHERE note = 'mail@example.com' AND tags @> $1::text[] AND id = ANY($2::bigint[]);", sql.Text);
    }

    [Theory]
    [InlineData("SELECT 1 FROM a WHERE id = @id; SELECT 2 FROM b WHERE id = @id")]
    [InlineData("COMMIT")]
    public void Several_statements_or_none_with_parameters_keep_the_text_as_written(string text) =>
        Assert.Null(PositionalSql.For(text));

    [Theory, AllDatabases]
    public async Task A_null_is_typed_after_its_dotnet_type_so_the_database_can_compare_it(string provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);

        var (text, number, present) = await db.Database.WriteAsync(async (context, ct) =>
        {
            await using var command = context.Command("SELECT @text IS NULL, @number IS NULL, @present IS NULL")
                .With("@text", (string?)null).With("@number", (long?)null).With("@present", 5L);
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            return (reader.GetBoolean(0), reader.GetBoolean(1), reader.GetBoolean(2));
        });

        Assert.Equal((true, true, false), (text, number, present));
    }

    [Theory, AllDatabases]
    public async Task Two_updates_of_one_conversation_waiting_for_the_same_round_trip_both_apply_in_order(string provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await db.Conversations.ContactSendAsync(db.Inbound("+12015550123", "Hello"));
        var row = await db.ConversationAsync("+12015550123");
        var since = TestDatabase.Start.AddMinutes(1);

        await db.Database.WriteAsync(async (context, ct) =>
        {
            await ConversationRows.SaveAsync(context, row, new Conversation { State = ConsentState.OptedIn, Since = since }, ct);
            await ConversationRows.SaveAsync(context, row, new Conversation { State = ConsentState.OptedOut, Since = since, OptOut = new OptOutRecord(OptOutSource.Contact, "STOP") }, ct);
            return true;
        });

        var after = await db.ConversationAsync("+12015550123");
        Assert.Equal(row.Version + 2, after.Version);
        Assert.Equal((ConsentState.OptedOut, "STOP"), (after.State.State, after.State.OptOut?.How));
    }
}
