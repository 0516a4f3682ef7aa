using Microsoft.Data.Sqlite;
using Optline.Core.Consent;
using Optline.Storage.Database;

namespace Optline.Storage.Tests.Database;

/// <summary>
/// The SQLite writer runs its inserts, updates and deletes straight through SQLitePCL: what it stores, the rows it
/// says it changed and the errors it raises must be Microsoft.Data.Sqlite's, and whatever it cannot bind the same
/// way is left to Microsoft.Data.Sqlite.
/// </summary>
public sealed class SqliteDirectTests : IDisposable
{
    private const string Insert = "INSERT INTO t (id, big, small, flag, text, bytes, empty, real, state, missing, dbnull) " +
                                  "VALUES (@id, @big, @small, @flag, @text, @bytes, @empty, @real, @state, @missing, @dbnull)";

    private readonly SqliteConnection _connection = new("Data Source=:memory:");

    public SqliteDirectTests()
    {
        _connection.Open();
        using var create = _connection.CreateCommand();
        create.CommandText = "CREATE TABLE t (id INTEGER PRIMARY KEY, big INTEGER, small INTEGER, flag INTEGER, text TEXT, bytes BLOB, " +
                             "empty BLOB, real REAL, state INTEGER, missing TEXT, dbnull TEXT, UNIQUE (text))";
        create.ExecuteNonQuery();
    }

    public void Dispose() => _connection.Dispose();

    [Fact]
    public void Values_are_stored_with_the_storage_classes_and_values_Microsoft_Data_Sqlite_gives_them()
    {
        var usual = Command(Insert, Values(id: 1, text: "Grüße, 👋 +12015550123"));
        usual.ExecuteNonQuery();
        using var direct = SqliteDirect.TryPrepare(Command(Insert))!;

        var changed = direct.TryExecute(Command(Insert, Values(id: 2, text: "Grüße, 👋 +12015550123 again")).Parameters);

        Assert.Equal(1, changed);
        var columns = new[] { "big", "small", "flag", "bytes", "empty", "real", "state", "missing", "dbnull" };
        Assert.Equal(Row(1, columns), Row(2, columns));
        Assert.Equal("Grüße, 👋 +12015550123 again", Scalar("SELECT text FROM t WHERE id = 2"));
        Assert.Equal("text", Scalar("SELECT typeof(text) FROM t WHERE id = 2"));
    }

    [Fact]
    public void An_empty_text_is_stored_as_an_empty_text_not_as_null()
    {
        using var direct = SqliteDirect.TryPrepare(Command(Insert))!;

        direct.TryExecute(Command(Insert, Values(id: 1, text: string.Empty)).Parameters);

        Assert.Equal("text:''", Row(1, ["text"]));
    }

    [Fact]
    public void Rows_changed_are_counted_as_Microsoft_Data_Sqlite_counts_them()
    {
        Command(Insert, Values(id: 1, text: "a")).ExecuteNonQuery();
        Command(Insert, Values(id: 2, text: "b")).ExecuteNonQuery();
        const string update = "UPDATE t SET big = @big WHERE id <= @id";
        const string ignored = "INSERT INTO t (id, text) VALUES (@id, @text) ON CONFLICT DO NOTHING";
        using var direct = SqliteDirect.TryPrepare(Command(update))!;
        using var conflict = SqliteDirect.TryPrepare(Command(ignored))!;

        Assert.Equal(2, direct.TryExecute(Command(update).With("@big", 9L).With("@id", 2L).Parameters));
        Assert.Equal(0, conflict.TryExecute(Command(ignored).With("@id", 1L).With("@text", "c").Parameters));
        Assert.Equal(
            Command(ignored).With("@id", 1L).With("@text", "c").ExecuteNonQuery(),
            conflict.TryExecute(Command(ignored).With("@id", 1L).With("@text", "c").Parameters));
    }

    [Fact]
    public void A_constraint_failure_is_the_same_exception_and_the_statement_runs_again_afterwards()
    {
        Command(Insert, Values(id: 1, text: "taken")).ExecuteNonQuery();
        var expected = Assert.Throws<SqliteException>(() => Command(Insert, Values(id: 2, text: "taken")).ExecuteNonQuery());
        using var direct = SqliteDirect.TryPrepare(Command(Insert))!;

        var actual = Assert.Throws<SqliteException>(() => direct.TryExecute(Command(Insert, Values(id: 2, text: "taken")).Parameters));
        var again = direct.TryExecute(Command(Insert, Values(id: 2, text: "free")).Parameters);

        Assert.Equal((expected.SqliteErrorCode, expected.SqliteExtendedErrorCode, expected.Message), (actual.SqliteErrorCode, actual.SqliteExtendedErrorCode, actual.Message));
        Assert.Equal(1, again);
    }

    [Fact]
    public void A_value_of_another_type_or_a_parameter_left_out_is_left_to_Microsoft_Data_Sqlite()
    {
        const string two = "INSERT INTO t (id, text) VALUES (@id, @text)";
        using var direct = SqliteDirect.TryPrepare(Command(two))!;

        Assert.Null(direct.TryExecute(Command(two).With("@id", 1L).With("@text", DateTimeOffset.UnixEpoch).Parameters));
        Assert.Null(direct.TryExecute(Command(two).With("@id", 1L).Parameters));
        Assert.Null(direct.TryExecute(Command(two).With("@id", 1L).With("@other", "x").Parameters));
        Assert.Equal(0L, Scalar("SELECT count(*) FROM t"));
    }

    [Theory]
    [InlineData("INSERT INTO t (id) VALUES (1); INSERT INTO t (id) VALUES (2)")]
    [InlineData("")]
    public void A_text_of_several_statements_or_none_is_left_to_Microsoft_Data_Sqlite(string text) =>
        Assert.Null(SqliteDirect.TryPrepare(Command(text)));

    private static (string Name, object? Value)[] Values(long id, string text) =>
    [
        ("@id", id), ("@big", long.MaxValue), ("@small", 7), ("@flag", true), ("@text", text), ("@bytes", new byte[] { 0, 1, 255 }),
        ("@empty", Array.Empty<byte>()), ("@real", 2.5), ("@state", ConsentState.OptedIn), ("@missing", null), ("@dbnull", DBNull.Value),
    ];

    private SqliteCommand Command(string text, params (string Name, object? Value)[] values)
    {
        var command = _connection.CreateCommand();
        command.CommandText = text;
        foreach (var (name, value) in values)
        {
            command.With(name, value);
        }

        return command;
    }

    private object? Scalar(string sql) => Command(sql).ExecuteScalar();

    private string Row(long id, string[] columns) =>
        string.Join(" | ", columns.Select(c => $"{Scalar($"SELECT typeof({c}) FROM t WHERE id = {id}")}:{Scalar($"SELECT quote({c}) FROM t WHERE id = {id}")}"));
}

internal static class SqliteCommandTestExtensions
{
    public static SqliteCommand With(this SqliteCommand command, string name, object? value)
    {
        command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }
}
