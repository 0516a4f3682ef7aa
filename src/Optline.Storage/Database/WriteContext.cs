using System.Data.Common;
using Optline.Storage.Audit;
using Optline.Storage.Conversations;

namespace Optline.Storage.Database;

/// <summary>
/// One batch's view of the open write transaction: its connection, the dialect, the time the batch began, its
/// prepared statements, and what the events of the batch share — each organization's attestation records,
/// written together just before the commit, and the settings version in force.
/// </summary>
public sealed class WriteContext
{
    private readonly StatementCache _statements;
    private readonly Dictionary<long, AuditChain> _chains = [];
    private readonly Dictionary<long, long> _settingsVersions = [];
    private readonly Dictionary<long, int> _appendedBeforeEvent = [];
    private readonly IReadOnlyList<EventKeys>? _readAheadKeys;
    private ReadAhead? _readAhead;
    private long? _transactionId;

    internal WriteContext(
        DbConnection connection, DbTransaction transaction, Dialect dialect, DateTimeOffset now, StatementCache statements, IReadOnlyList<EventKeys>? readAhead = null,
        bool chainHeadsAhead = true)
    {
        ChainHeadsAhead = chainHeadsAhead;
        _readAheadKeys = readAhead is { Count: > 0 } ? readAhead : null;
        Connection = connection;
        Transaction = transaction;
        Dialect = dialect;
        Now = now;
        _statements = statements;
        statements.Deferred?.Begin(transaction);
    }

    public DbConnection Connection { get; }

    public DbTransaction Transaction { get; }

    public Dialect Dialect { get; }

    public DateTimeOffset Now { get; }

    public Statement Command(string sql) => _statements.Get(sql, Transaction);

    /// <summary>
    /// Inserts one row: on PostgreSQL with the other rows of the same insert that wait for the next round trip
    /// (<see cref="RowInsert"/>), on SQLite at once. Values are in the insert's column order.
    /// </summary>
    internal async Task InsertRowAsync(RowInsert insert, object?[] values, CancellationToken cancellationToken)
    {
        if (_statements.Deferred is { } deferred)
        {
            deferred.AddRow(insert, values);
            return;
        }

        await using var command = Command(insert.OneRow);
        for (var column = 0; column < values.Length; column++)
        {
            command.With(RowInsert.ParameterName(column), values[column], insert.DbType(column));
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The batch's reads done ahead in one round trip, on the first call; null when the batch does not read ahead.</summary>
    internal async ValueTask<ReadAhead?> ReadAheadAsync(CancellationToken cancellationToken) =>
        _readAheadKeys is null ? null : _readAhead ??= await ReadAhead.LoadAsync(this, _readAheadKeys, cancellationToken);

    /// <summary>
    /// The transaction's id on PostgreSQL (null on SQLite), asked for before the commit is sent: should the connection
    /// break while the commit is on its way, the id is how the writer learns afterwards whether it was made
    /// (<see cref="CommitOutcome"/>). A batch that read ahead has it already; any other asks in a round trip of its own.
    /// </summary>
    internal async ValueTask<long?> TransactionIdAsync(CancellationToken cancellationToken)
    {
        if (!Dialect.IsPostgres || _transactionId is not null)
        {
            return _transactionId;
        }

        await using var command = Command(CommitOutcome.CurrentTransactionSql);
        return _transactionId = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    internal void RememberTransactionId(long transactionId) => _transactionId = transactionId;

    /// <summary>The batch's commit marker (PostgreSQL), written with its last statements; see <see cref="CommitOutcome"/>.</summary>
    internal void MarkCommit(string marker) =>
        _statements.Deferred?.Add(CommitOutcome.InsertMarkerSql, marker, Now.ToUnixTimeMilliseconds());

    /// <summary>Whether the attestation chains may number their records from the heads read ahead (see <see cref="AuditChain"/>).</summary>
    internal bool ChainHeadsAhead { get; }

    /// <summary>The provider ids this batch processed, written together before the commit (PostgreSQL, batch attempt).</summary>
    internal NewProviderIds NewProviderIds { get; } = new();

    internal AuditChain? Chain(long organizationId) => _chains.GetValueOrDefault(organizationId);

    internal void AddChain(long organizationId, AuditChain chain) => _chains[organizationId] = chain;

    /// <summary>The settings version read earlier in this batch, if any.</summary>
    internal long? SettingsVersion(long organizationId) => _settingsVersions.TryGetValue(organizationId, out var version) ? version : null;

    internal void RememberSettingsVersion(long organizationId, long version) => _settingsVersions[organizationId] = version;

    internal void ForgetSettingsVersion(long organizationId) => _settingsVersions.Remove(organizationId);

    /// <summary>An event begins, inside a savepoint of its own; what it shares with the batch is remembered first.</summary>
    internal async Task BeginEventAsync()
    {
        _appendedBeforeEvent.Clear();
        foreach (var chain in _chains.Values)
        {
            _appendedBeforeEvent[chain.OrganizationId] = chain.Appended;
        }

        if (_statements.Deferred is { } deferred)
        {
            deferred.AddSavepoint("SAVEPOINT event");
        }
        else
        {
            await ExecuteAsync("SAVEPOINT event");
        }
    }

    /// <summary>The event succeeded: its savepoint is released (with whatever it left to send).</summary>
    internal async Task EndEventAsync()
    {
        if (_statements.Deferred is { } deferred)
        {
            deferred.Add("RELEASE SAVEPOINT event");
            await deferred.FlushAsync(CancellationToken.None);
        }
        else
        {
            await ExecuteAsync("RELEASE SAVEPOINT event");
        }
    }

    /// <summary>The event failed: the database goes back to its savepoint, and the batch's shared state with it.</summary>
    internal async Task RollbackEventAsync()
    {
        var neverSent = _statements.Deferred?.Discard() ?? false;
        if (!neverSent)
        {
            await ExecuteAsync("ROLLBACK TO SAVEPOINT event");
            await ExecuteAsync("RELEASE SAVEPOINT event");
        }

        // A chain the event opened had nothing before it.
        foreach (var chain in _chains.Values)
        {
            chain.Appended = _appendedBeforeEvent.GetValueOrDefault(chain.OrganizationId);
        }

        _settingsVersions.Clear();
    }

    /// <summary>
    /// Writes the provider ids of the batch, its attestation records, each organization's in turn, and whatever still waits; runs once,
    /// just before the commit. With <paramref name="commit"/> on PostgreSQL the commit goes in the same round trip
    /// (an error before it leaves the transaction open and failed, to be rolled back); true when it did.
    /// </summary>
    internal async Task<bool> FlushAsync(bool commit, CancellationToken cancellationToken)
    {
        await NewProviderIds.WriteAsync(this, cancellationToken);
        foreach (var chain in _chains.Values.OrderBy(chain => chain.OrganizationId))
        {
            await chain.WriteAsync(cancellationToken);
        }

        if (_statements.Deferred is not { } deferred)
        {
            return false;
        }

        if (commit)
        {
            deferred.Add("COMMIT");
        }

        await deferred.FlushAsync(cancellationToken);
        return commit;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var command = Command(sql);
        await command.ExecuteNonQueryAsync(CancellationToken.None);
    }
}
