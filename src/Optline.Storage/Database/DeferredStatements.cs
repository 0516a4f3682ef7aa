using System.Data.Common;
using Npgsql;

namespace Optline.Storage.Database;

/// <summary>
/// Statements of a PostgreSQL write whose result nobody reads (an insert, an update of a known row, a savepoint):
/// they wait here and go to the server together, in one round trip, with the next statement whose result is
/// needed, or when the event ends. Each round trip costs more than most of these statements themselves. Rows of a
/// <see cref="RowInsert"/> wait together, as one statement standing where the first of them was written.
/// </summary>
internal sealed class DeferredStatements(DbConnection connection)
{
    private readonly List<object> _pending = [];
    private readonly Dictionary<RowInsert, List<object?[]>> _rows = [];
    private DbTransaction? _transaction;
    private bool _savepointPending;

    public bool IsEmpty => _pending.Count == 0;

    public void Begin(DbTransaction transaction)
    {
        Clear();
        _transaction = transaction;
    }

    public void Add(DbCommand command)
    {
        var deferred = new NpgsqlBatchCommand(command.CommandText);
        var parameters = ((NpgsqlCommand)command).Parameters.ToArray();
        command.Parameters.Clear();
        deferred.Parameters.AddRange(parameters);
        _pending.Add(deferred);
    }

    public void Add(string sql) => _pending.Add(new NpgsqlBatchCommand(sql));

    /// <summary>A statement with positional parameters (<c>$1</c>, <c>$2</c>, …).</summary>
    public void Add(string sql, params object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        _pending.Add(command);
    }

    public void AddRow(RowInsert insert, object?[] values)
    {
        if (!_rows.TryGetValue(insert, out var rows))
        {
            _rows[insert] = rows = [];
            _pending.Add(insert);
        }

        rows.Add(values);
    }

    /// <summary>An event begins: its savepoint goes with the event's first round trip.</summary>
    public void AddSavepoint(string sql)
    {
        Add(sql);
        _savepointPending = true;
    }

    /// <summary>Forgets what was not sent; true when that included the event's savepoint, so the server never saw the event at all.</summary>
    public bool Discard()
    {
        var savepointUnsent = _savepointPending;
        Clear();
        return savepointUnsent;
    }

    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_pending.Count == 0)
        {
            return;
        }

        await using var batch = new NpgsqlBatch((NpgsqlConnection)connection, (NpgsqlTransaction?)_transaction);
        foreach (var pending in _pending)
        {
            batch.BatchCommands.Add(pending is RowInsert insert ? insert.Command(_rows[insert]) : (NpgsqlBatchCommand)pending);
        }

        // Sent is sent, whether or not it succeeded: a failure rolls the event back to its savepoint.
        Clear();
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    private void Clear()
    {
        _pending.Clear();
        _rows.Clear();
        _savepointPending = false;
    }
}
