using System.Data;
using Npgsql;

namespace Optline.Storage.Database;

/// <summary>The types a <see cref="RowInsert"/> column can have.</summary>
internal enum ColumnType
{
    Uuid,
    Bigint,
    Text,
}

/// <summary>
/// An insert of one row per call that PostgreSQL receives as one statement per round trip: the rows a batch's events
/// insert into the table while no read separates them go to the server together as arrays (<c>unnest</c>), in the
/// order they were written, where the first of them stood. A statement per row cost more in binding, sending and
/// executing than the row itself. SQLite runs each row at once as its own prepared statement.
/// </summary>
internal sealed class RowInsert
{
    private readonly ColumnType[] _types;

    public RowInsert(string table, params (string Name, ColumnType Type)[] columns)
    {
        _types = [.. columns.Select(c => c.Type)];
        var names = string.Join(", ", columns.Select(c => c.Name));
        OneRow = $"INSERT INTO {table} ({names}) VALUES ({string.Join(", ", columns.Select((_, i) => ParameterName(i)))})";
        ManyRows = $"INSERT INTO {table} ({names}) SELECT * FROM unnest({string.Join(", ", columns.Select((c, i) => $"${i + 1}::{SqlType(c.Type)}[]"))})";
    }

    /// <summary>The one-row statement, its parameters named by <see cref="ParameterName"/>.</summary>
    public string OneRow { get; }

    /// <summary>The many-rows statement, one array per column, positional.</summary>
    public string ManyRows { get; }

    public static string ParameterName(int column) => column < Names.Length ? Names[column] : $"@c{column}";

    private static readonly string[] Names = [.. Enumerable.Range(0, 32).Select(column => $"@c{column}")];

    public DbType DbType(int column) => _types[column] switch
    {
        ColumnType.Bigint => System.Data.DbType.Int64,
        ColumnType.Text => System.Data.DbType.String,
        _ => System.Data.DbType.Guid,
    };

    public NpgsqlBatchCommand Command(IReadOnlyList<object?[]> rows)
    {
        var command = new NpgsqlBatchCommand(ManyRows);
        for (var column = 0; column < _types.Length; column++)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = Array(rows, column) });
        }

        return command;
    }

    private Array Array(IReadOnlyList<object?[]> rows, int column) => _types[column] switch
    {
        ColumnType.Uuid => rows.Select(row => (Guid)row[column]!).ToArray(),
        ColumnType.Bigint => rows.Select(row => (long?)row[column]).ToArray(),
        _ => rows.Select(row => (string?)row[column]).ToArray(),
    };

    private static string SqlType(ColumnType type) => type switch
    {
        ColumnType.Uuid => "uuid",
        ColumnType.Bigint => "bigint",
        _ => "text",
    };
}
