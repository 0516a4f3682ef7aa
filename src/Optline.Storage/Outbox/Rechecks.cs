using System.Data.Common;
using Optline.Core.Consent;
using Optline.Storage.Database;
using Optline.Storage.Organizations;

namespace Optline.Storage.Outbox;

/// <summary>
/// The last consent re-checks, many in one query. While re-checks keep coming, one read connection and its prepared
/// query serve them all; it is closed as soon as none is waiting.
/// </summary>
internal sealed class Rechecks
{
    private readonly OptlineDatabase _database;
    private readonly OrganizationStore _organizations;
    private readonly Coalescer<ClaimedSend, string?> _rounds;
    private DbConnection? _connection;
    private DbCommand? _query;

    public Rechecks(OptlineDatabase database, OrganizationStore organizations)
    {
        _database = database;
        _organizations = organizations;
        _rounds = new(RoundAsync, maxPerRound: 1000, idle: CloseAsync);
    }

    /// <summary>Null when the message may still leave, else why not; answered by a query that started after the call.</summary>
    public Task<string?> RefusalAsync(ClaimedSend send) => _rounds.RunAsync(send);

    private async Task<IReadOnlyList<string?>> RoundAsync(IReadOnlyList<ClaimedSend> sends)
    {
        try
        {
            return await RefusalsAsync(sends);
        }
        catch (DbException)
        {
            await CloseAsync(); // a broken connection is not reused
            throw;
        }
    }

    private async Task<IReadOnlyList<string?>> RefusalsAsync(IReadOnlyList<ClaimedSend> sends)
    {
        var dialect = _database.Dialect;
        var connection = _connection ??= await OpenAsync();
        _query ??= connection.Command(
            "SELECT o.id, o.requires, c.state, c.request_after_opt_out, c.last_inbound_at, " +
            $"CASE WHEN EXISTS ({Claims.WaitingBefore}) THEN 1 ELSE 0 END FROM outbox o JOIN conversations c ON c.id = o.conversation_id " +
            $"WHERE o.id {SqlLists.In(dialect, "@ids")}").With("@ids", null).With("@now", 0L);
        var now = _database.Time.GetUtcNow();
        _query.Parameters["@ids"].Value = SqlLists.Longs(dialect, sends.Select(s => s.OutboxId));
        _query.Parameters["@now"].Value = now.ToUnixMs();
        var current = new Dictionary<long, (string Requires, ConsentState State, bool AfterOptOut, DateTimeOffset? LastInbound, bool Behind)>(sends.Count);
        await using (var reader = await _query.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                current[reader.GetInt64(0)] = (reader.GetString(1), (ConsentState)reader.GetInt64(2), reader.GetNullableInt64(3) == 1,
                    DbExtensions.FromUnixMs(reader.GetNullableInt64(4)), reader.GetInt64(5) == 1);
            }
        }

        var policies = new Dictionary<long, ConsentPolicy>();
        var refusals = new string?[sends.Count];
        for (var i = 0; i < sends.Count; i++)
        {
            var send = sends[i];
            if (!current.TryGetValue(send.OutboxId, out var row))
            {
                refusals[i] = OutboxStore.Gone;
                continue;
            }

            if (!policies.TryGetValue(send.OrganizationId, out var policy))
            {
                policies[send.OrganizationId] = policy = await _organizations.PolicyAsync(connection, null, send.OrganizationId, CancellationToken.None);
            }

            refusals[i] = ConsentRecheck.Refusal(row.Requires, row.State, row.AfterOptOut, policy, send.Channel, row.LastInbound, send.AsWhatsAppTemplate, now)
                ?? (row.Behind ? OutboxStore.Behind : null);
        }

        return refusals;
    }

    private async Task<DbConnection> OpenAsync()
    {
        var connection = _database.Dialect.CreateConnection();
        try
        {
            await connection.OpenAsync();
            return connection;
        }
        catch (Exception ex) when (ex is DbException or TimeoutException or IOException)
        {
            await connection.DisposeAsync();
            throw new StorageUnavailableException("The database cannot be reached.", ex);
        }
    }

    private async Task CloseAsync()
    {
        if (_query is not null)
        {
            await _query.DisposeAsync();
            _query = null;
        }

        if (_connection is not null)
        {
            await _connection.DisposeAsync();
            _connection = null;
        }
    }
}
