using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Optline.Storage.Database;

/// <summary>What differs between SQLite and PostgreSQL; everything else is shared SQL.</summary>
public abstract class Dialect
{
    public abstract bool IsPostgres { get; }

    /// <summary>Appended to a SELECT that must lock the rows it reads until the transaction ends.</summary>
    public abstract string ForUpdate { get; }

    public abstract string SkipLocked { get; }

    public abstract DbConnection CreateConnection();

    /// <summary>The connection of a group-commit writer.</summary>
    public virtual DbConnection CreateWriterConnection() => CreateConnection();

    public abstract string SchemaSql(string template);

    public abstract object Uuid(Guid id);

    public abstract Guid ReadUuid(DbDataReader reader, int ordinal);

    /// <summary>Settings applied on every new connection (SQLite durability and WAL).</summary>
    public virtual Task PrepareAsync(DbConnection connection, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Settings for the group-commit writer's own connections, after <see cref="PrepareAsync"/>.</summary>
    public virtual Task PrepareWriterAsync(DbConnection connection, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Settings for a pooled read connection, each time one is opened.</summary>
    public virtual ValueTask PrepareReaderAsync(DbConnection connection, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}

public sealed class SqliteDialect(string connectionString) : Dialect
{
    /// <summary>Pages of new databases: 2 KB halves what a commit writes for the scattered index pages an event touches.</summary>
    public const int PageSize = 2048;

    private const int ConfigMemoryStatistics = 9; // SQLITE_CONFIG_MEMSTATUS

    /// <summary>
    /// SQLite counts every allocation under a process-wide mutex for statistics Optline never reads; switched off while
    /// the library is still uninitialised (it refuses once a connection has opened, and then nothing changes).
    /// </summary>
    static SqliteDialect()
    {
        SQLitePCL.Batteries_V2.Init();
        MemoryStatisticsOff = SQLitePCL.raw.sqlite3_config(ConfigMemoryStatistics, 0) == SQLitePCL.raw.SQLITE_OK;
        PageCacheInstalled = SqlitePageCache.Install();
        WalWriteBuffer.Register();
    }

    /// <summary>Whether this process's SQLite runs without allocation statistics.</summary>
    public static bool MemoryStatisticsOff { get; }

    /// <summary>Whether this process's SQLite uses <see cref="SqlitePageCache"/>, which skips truncations that can drop nothing.</summary>
    public static bool PageCacheInstalled { get; }

    private readonly string _connectionString = new SqliteConnectionStringBuilder(connectionString)
    {
        Pooling = true,
        DefaultTimeout = 30,
    }.ToString();

    public override bool IsPostgres => false;

    public override string ForUpdate => string.Empty;

    public override string SkipLocked => string.Empty;

    public string DataSource => new SqliteConnectionStringBuilder(_connectionString).DataSource;

    /// <summary>The write-ahead log's full path, as the writer's buffered log, its syncer and its checkpointer know it.</summary>
    public string LogPath => Path.GetFullPath(DataSource + "-wal");

    public override DbConnection CreateConnection() => new SqliteConnection(_connectionString);

    /// <summary>
    /// Not from the pool: a pooled handle could have opened its log on another thread, unbuffered
    /// (<see cref="WalWriteBuffer"/>), and the writer's handle, which keeps its own settings, should not serve reads later.
    /// </summary>
    public override DbConnection CreateWriterConnection() =>
        new SqliteConnection(new SqliteConnectionStringBuilder(_connectionString) { Pooling = false }.ToString());

    public override string SchemaSql(string template) => template
        .Replace("{id}", "INTEGER PRIMARY KEY", StringComparison.Ordinal)
        .Replace("{blob}", "BLOB", StringComparison.Ordinal)
        .Replace("{uuid}", "BLOB", StringComparison.Ordinal)
        .Replace("{bigint}", "INTEGER", StringComparison.Ordinal);

    public override object Uuid(Guid id) => id.ToByteArray();

    public override Guid ReadUuid(DbDataReader reader, int ordinal) => new((byte[])reader.GetValue(ordinal));

    /// <summary>WAL with synchronous=FULL: an acknowledged STOP survives power loss, not only a crash.</summary>
    public override async Task PrepareAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA page_size={PageSize}; PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=30000;";
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// The writer keeps the index pages it updates in memory (16 MB of page cache, filled only by what it touches) and
    /// leaves checkpoints to <see cref="WalCheckpointer"/>, so no batch waits for one. When the log starts over, a
    /// file grown past twice the checkpointer's bound is cut back to that. A statement's undo journal stays in memory:
    /// past 64 KB (a multi-row statement of the outbox) SQLite would otherwise spill it to a temporary file created and
    /// deleted inside the batch, several times a second at saturation. It is never needed after a crash.
    /// Dirty pages stay in that cache until the commit (<c>cache_spill=OFF</c>) and every commit syncs the log
    /// (<c>synchronous=FULL</c>, checked here): the two conditions under which <see cref="WalWriteBuffer"/> may gather
    /// the writer's log writes.
    /// </summary>
    public override async Task PrepareWriterAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_autocheckpoint=0; PRAGMA cache_size=-16384; PRAGMA cache_spill=OFF; PRAGMA temp_store=MEMORY; " +
            $"PRAGMA journal_size_limit={2 * WalCheckpointer.CatchUpAfterFrames * PageSize};";
        await command.ExecuteNonQueryAsync(cancellationToken);
        command.CommandText = "PRAGMA synchronous";
        if (Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) < 2)
        {
            throw new InvalidOperationException("The writer's connection must sync the log at every commit (synchronous=FULL).");
        }
    }

    /// <summary>Page cache of one pooled read connection, in KiB: the upper levels of the indexes a lookup walks.</summary>
    public const int ReaderCacheKiB = 512;

    // Pooled connections keep their settings, so each SQLite connection (its handle outlives the pooled wrapper) is capped once.
    private readonly ConditionalWeakTable<object, object> _cappedReaders = new();

    /// <summary>
    /// Without a cap each pooled read connection grows a 2 MB page cache of its own: 20 MB for ten of them after
    /// lookups over a million conversations.
    /// </summary>
    public override async ValueTask PrepareReaderAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var handle = ((SqliteConnection)connection).Handle;
        if (handle is null || _cappedReaders.TryGetValue(handle, out _))
        {
            return;
        }

        await using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA cache_size=-{ReaderCacheKiB}";
        await command.ExecuteNonQueryAsync(cancellationToken);
        _cappedReaders.AddOrUpdate(handle, handle);
    }
}

public sealed class PostgresDialect(string connectionString) : Dialect, IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource = new NpgsqlDataSourceBuilder(WithAutoPrepare(connectionString)).Build();

    /// <summary>Closes the pooled connections; without it a closed database object keeps its idle server connections open.</summary>
    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    public override bool IsPostgres => true;

    public override string ForUpdate => " FOR UPDATE";

    public override string SkipLocked => " FOR UPDATE SKIP LOCKED";

    public override DbConnection CreateConnection() => _dataSource.CreateConnection();

    public override string SchemaSql(string template) => template
        .Replace("{id}", "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", StringComparison.Ordinal)
        .Replace("{blob}", "BYTEA", StringComparison.Ordinal)
        .Replace("{uuid}", "UUID", StringComparison.Ordinal)
        .Replace("{bigint}", "BIGINT", StringComparison.Ordinal);

    public override object Uuid(Guid id) => id;

    public override Guid ReadUuid(DbDataReader reader, int ordinal) => reader.GetGuid(ordinal);

    /// <summary>
    /// Statements run often are prepared on the server once per connection (parsing and planning them again cost
    /// as much as running them), unless the connection string says otherwise.
    /// </summary>
    private static string WithAutoPrepare(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (builder.MaxAutoPrepare == 0)
        {
            builder.MaxAutoPrepare = 64;
            builder.AutoPrepareMinUsages = 2;
        }

        return builder.ConnectionString;
    }

    /// <summary>Acknowledged means durable on PostgreSQL too, whatever the server default.</summary>
    public override async Task PrepareAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SET synchronous_commit = on";
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
