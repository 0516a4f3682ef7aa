using System.Data.Common;
using Microsoft.Extensions.Logging;

namespace Optline.Storage.Database;

/// <summary>The database: its dialect, the group-commit writer for every change, and pooled connections for reads.</summary>
public sealed class OptlineDatabase : IAsyncDisposable
{
    public OptlineDatabase(DatabaseOptions options, TimeProvider time, ILoggerFactory loggers)
        : this(options, time, loggers, syncLog: null)
    {
    }

    /// <param name="syncLog">SQLite: how the writer's log is synced (tests make it fail); see <see cref="EventWriter"/>.</param>
    internal OptlineDatabase(DatabaseOptions options, TimeProvider time, ILoggerFactory loggers, Func<WalWriteBuffer.BufferedLog, int>? syncLog)
    {
        Dialect = options.IsPostgres ? new PostgresDialect(options.ConnectionString) : CreateSqlite(options.ConnectionString);
        Time = time;
        Writer = new EventWriter(Dialect, time, loggers.CreateLogger<EventWriter>(), options.Writers, syncLog);
    }

    public Dialect Dialect { get; }

    public TimeProvider Time { get; }

    public EventWriter Writer { get; }

    public Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken = default) =>
        new Migrator(Dialect).MigrateAsync(cancellationToken);

    public Task<T> WriteAsync<T>(Func<WriteContext, CancellationToken, Task<T>> work, CancellationToken cancellationToken = default) =>
        Writer.ExecuteAsync(work, (ConversationKey?)null, cancellationToken);

    /// <summary>A write about one conversation: every write about it goes through the same writer.</summary>
    public Task<T> WriteAsync<T>(Func<WriteContext, CancellationToken, Task<T>> work, long lineId, string contact, CancellationToken cancellationToken = default) =>
        Writer.ExecuteAsync(work, new ConversationKey(lineId, contact), cancellationToken);

    /// <summary>An event about one conversation whose row, settings and provider message id the batch may read ahead.</summary>
    internal Task<T> WriteAsync<T>(Func<WriteContext, CancellationToken, Task<T>> work, EventKeys keys, CancellationToken cancellationToken = default) =>
        Writer.ExecuteAsync(work, keys, cancellationToken);

    public async Task<T> ReadAsync<T>(Func<DbConnection, Task<T>> read, CancellationToken cancellationToken = default)
    {
        await using var connection = Dialect.CreateConnection();
        try
        {
            await connection.OpenAsync(cancellationToken);
            await Dialect.PrepareReaderAsync(connection, cancellationToken);
        }
        catch (Exception ex) when (ex is DbException or TimeoutException or IOException)
        {
            throw new StorageUnavailableException("The database cannot be reached.", ex);
        }

        return await read(connection);
    }

    public async ValueTask DisposeAsync()
    {
        await Writer.DisposeAsync();
        if (Dialect is IAsyncDisposable dialect)
        {
            await dialect.DisposeAsync();
        }
    }

    private static SqliteDialect CreateSqlite(string connectionString)
    {
        var dialect = new SqliteDialect(connectionString);
        var directory = Path.GetDirectoryName(Path.GetFullPath(dialect.DataSource));
        if (!string.IsNullOrEmpty(directory) && dialect.DataSource != ":memory:")
        {
            Directory.CreateDirectory(directory);
        }

        return dialect;
    }
}
