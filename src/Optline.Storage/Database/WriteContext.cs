using System.Data.Common;

namespace Optline.Storage.Database;

/// <summary>One event's view of the open write transaction: its connection, the dialect, and the time the batch began.</summary>
public sealed class WriteContext(DbConnection connection, DbTransaction transaction, Dialect dialect, DateTimeOffset now)
{
    public DbConnection Connection => connection;

    public DbTransaction Transaction => transaction;

    public Dialect Dialect => dialect;

    public DateTimeOffset Now { get; } = now;

    public DbCommand Command(string sql) => connection.Command(sql, transaction);
}
