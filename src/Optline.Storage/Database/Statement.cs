using System.Data.Common;

namespace Optline.Storage.Database;

/// <summary>
/// One SQL statement of a write transaction. On SQLite it is a command prepared once per writer connection and
/// reused by every event that runs the same SQL (compiling the SQL again cost as much as running it); disposing
/// it hands it back. On PostgreSQL it is a fresh command each time, with positional parameters when the text allows
/// (<see cref="PositionalSql"/>), and Npgsql's automatic preparation does the reuse.
/// </summary>
public sealed class Statement : IAsyncDisposable
{
    private readonly DbCommand _command;
    private readonly StatementCache? _owner;
    private readonly DeferredStatements? _deferred;
    private readonly PositionalSql? _positional;
    private readonly bool _typedNulls;
    private int _bound;
    private SqliteDirect? _direct;
    private bool _directTried;

    internal Statement(DbCommand command, StatementCache? owner, DeferredStatements? deferred = null, PositionalSql? positional = null)
    {
        _command = command;
        _owner = owner;
        _deferred = deferred;
        _positional = positional;
        _typedNulls = command is Npgsql.NpgsqlCommand;
        if (positional is not null)
        {
            foreach (var _ in positional.Names)
            {
                command.Parameters.Add(command.CreateParameter());
            }
        }
    }

    internal bool InUse { get; private set; }

    internal Statement Rent(DbTransaction transaction)
    {
        InUse = true;
        _bound = 0;
        _command.Transaction = transaction;
        return this;
    }

    /// <summary>
    /// Binds <paramref name="value"/>. On PostgreSQL a null is typed after <typeparamref name="T"/>: it would otherwise
    /// be an untyped parameter, and a statement whose parameter types change from one run to the next is parsed and
    /// planned again each time instead of reusing its prepared form. SQLite has no use for the type.
    /// </summary>
    public Statement With<T>(string name, T value) => Bind(name, value, DbTypes<T>.Null);

    /// <summary>Binds a value whose type is given rather than taken from the .NET type (a null of a known column).</summary>
    internal Statement With(string name, object? value, System.Data.DbType type) => Bind(name, value, type);

    private Statement Bind(string name, object? value, System.Data.DbType? nullType)
    {
        var parameter = Parameter(name);
        parameter.Value = value ?? DBNull.Value;
        if (value is null && _typedNulls && nullType is { } type)
        {
            parameter.DbType = type;
        }

        return this;
    }

    public async Task<int> ExecuteNonQueryAsync(CancellationToken cancellationToken)
    {
        await FlushDeferredAsync(cancellationToken);
        if (Direct() is { } direct)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (direct.TryExecute(_command.Parameters) is { } changed)
            {
                return changed;
            }
        }

        return await _command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<DbDataReader> ExecuteReaderAsync(CancellationToken cancellationToken)
    {
        await FlushDeferredAsync(cancellationToken);
        return await _command.ExecuteReaderAsync(cancellationToken);
    }

    public async Task<object?> ExecuteScalarAsync(CancellationToken cancellationToken)
    {
        await FlushDeferredAsync(cancellationToken);
        return await _command.ExecuteScalarAsync(cancellationToken);
    }

    /// <summary>
    /// Runs a statement whose result nobody reads with the next round trip to the database: at once on SQLite; on
    /// PostgreSQL together with the next statement whose result is needed, at the latest when the event ends.
    /// Its errors surface then, inside the same event.
    /// </summary>
    public Task ExecuteLaterAsync(CancellationToken cancellationToken)
    {
        if (_deferred is null)
        {
            return ExecuteNonQueryAsync(cancellationToken);
        }

        _deferred.Add(_command);
        return Task.CompletedTask;
    }

    private Task FlushDeferredAsync(CancellationToken cancellationToken) =>
        _deferred is null || _deferred.IsEmpty ? Task.CompletedTask : _deferred.FlushAsync(cancellationToken);

    public ValueTask DisposeAsync()
    {
        InUse = false;
        return _owner is null ? _command.DisposeAsync() : ValueTask.CompletedTask;
    }

    internal void Discard()
    {
        _direct?.Dispose();
        _command.Dispose();
    }

    /// <summary>A statement SQLite's writer keeps runs its inserts, updates and deletes through <see cref="SqliteDirect"/>.</summary>
    private SqliteDirect? Direct()
    {
        if (!_directTried)
        {
            _directTried = true;
            _direct = _owner is not null && _command is Microsoft.Data.Sqlite.SqliteCommand sqlite ? SqliteDirect.TryPrepare(sqlite) : null;
        }

        return _direct;
    }

    /// <summary>
    /// The parameter called <paramref name="name"/>, created on first use. A call site binds the same names in
    /// the same order every time, so the next one in line is almost always the one asked for.
    /// </summary>
    private DbParameter Parameter(string name)
    {
        var parameters = _command.Parameters;
        var position = _bound++;
        if (_positional is not null)
        {
            // A value the text does not use is ignored, as Npgsql ignores an unused named parameter.
            return _positional.PositionOf(name, position) is >= 0 and var at ? parameters[at] : _command.CreateParameter();
        }

        if (position < parameters.Count && parameters[position].ParameterName == name)
        {
            return parameters[position];
        }

        var index = parameters.IndexOf(name);
        if (index >= 0)
        {
            return parameters[index];
        }

        var parameter = _command.CreateParameter();
        parameter.ParameterName = name;
        parameters.Add(parameter);
        return parameter;
    }
}
