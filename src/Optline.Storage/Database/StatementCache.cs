using System.Data.Common;

namespace Optline.Storage.Database;

/// <summary>
/// The statements of one writer connection, which live and die with it: on SQLite prepared once per SQL text and
/// reused; on PostgreSQL new each time (Npgsql prepares them on the server) with the round trips they can share.
/// </summary>
internal sealed class StatementCache(DbConnection connection, bool reuse) : IDisposable
{
    private readonly Dictionary<string, Statement> _statements = new(StringComparer.Ordinal);

    /// <summary>PostgreSQL only: statements waiting to share the next round trip.</summary>
    public DeferredStatements? Deferred { get; } = reuse ? null : new DeferredStatements(connection);

    public Statement Get(string sql, DbTransaction transaction)
    {
        if (!reuse)
        {
            var positional = PositionalSql.For(sql);
            return new Statement(connection.Command(positional?.Text ?? sql), null, Deferred, positional).Rent(transaction);
        }

        if (_statements.TryGetValue(sql, out var cached))
        {
            // The same SQL run again while its reader is still open (a nested call) gets a command of its own.
            return cached.InUse ? new Statement(connection.Command(sql), null).Rent(transaction) : cached.Rent(transaction);
        }

        var command = connection.Command(sql, transaction);
        command.Prepare();
        var statement = new Statement(command, this);
        _statements[sql] = statement;
        return statement.Rent(transaction);
    }

    public void Dispose()
    {
        foreach (var statement in _statements.Values)
        {
            statement.Discard();
        }

        _statements.Clear();
    }
}
