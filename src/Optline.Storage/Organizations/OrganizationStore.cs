using System.Collections.Concurrent;
using System.Data.Common;
using System.Text.Json;
using Optline.Core.Consent;
using Optline.Storage.Audit;
using Optline.Storage.Database;

namespace Optline.Storage.Organizations;

/// <summary>Organizations, lines, API keys and settings.</summary>
public sealed class OrganizationStore(OptlineDatabase database)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly ConcurrentDictionary<string, Principal> _keys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(long, long), ConsentPolicy> _policies = new();
    private readonly LineCache _lines = new(database.Time);

    public Task<bool> IsEmptyAsync(CancellationToken cancellationToken = default) =>
        database.ReadAsync(async connection =>
        {
            await using var command = connection.Command("SELECT COUNT(*) FROM organizations");
            return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) == 0;
        }, cancellationToken);

    public Task<long> CreateOrganizationAsync(string name, string? adminKey, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (context, ct) =>
        {
            await using var insert = context.Command("INSERT INTO organizations (name, created_at) VALUES (@name, @now) RETURNING id")
                .With("@name", name).With("@now", context.Now.ToUnixMs());
            var id = Convert.ToInt64(await insert.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
            var document = JsonSerializer.Serialize(new OrganizationSettings(), Json);
            await using (var settings = context.Command(
                "INSERT INTO settings (organization_id, version, document, changed_at) VALUES (@org, 1, @doc, @now);" +
                "INSERT INTO settings_versions (organization_id, version, document, changed_at, changed_by) VALUES (@org, 1, @doc, @now, 'bootstrap')")
                .With("@org", id).With("@doc", document).With("@now", context.Now.ToUnixMs()))
            {
                await settings.ExecuteNonQueryAsync(ct);
            }

            if (adminKey is not null)
            {
                await InsertKeyAsync(context, id, null, adminKey, ct);
            }

            var audit = await AuditChain.OpenAsync(context, id, ct);
            await audit.AppendAsync(new AuditEntry("organization_created") { Text = name }, ct);
            await audit.AppendAsync(new AuditEntry("settings_changed") { Detail = document, TemplateVersion = 1 }, ct);
            return id;
        }, cancellationToken);

    public Task<string> IssueKeyAsync(long organizationId, long? lineId, CancellationToken cancellationToken = default)
    {
        var key = ApiKeys.NewKey(lineId is null ? "admin" : "line");
        return database.WriteAsync(async (context, ct) =>
        {
            await InsertKeyAsync(context, organizationId, lineId, key, ct);
            return key;
        }, cancellationToken);
    }

    /// <summary>Creates a line and its first key; null when the number already belongs to a line.</summary>
    public Task<(Line Line, string ApiKey)?> CreateLineAsync(long organizationId, string number, string displayName, CancellationToken cancellationToken = default)
    {
        var key = ApiKeys.NewKey("line");
        return database.WriteAsync<(Line, string)?>(async (context, ct) =>
        {
            await using var insert = context.Command(
                "INSERT INTO lines (organization_id, number, display_name, created_at) VALUES (@org, @number, @name, @now) ON CONFLICT (number) DO NOTHING RETURNING id")
                .With("@org", organizationId).With("@number", number).With("@name", displayName).With("@now", context.Now.ToUnixMs());
            var id = await insert.ExecuteScalarAsync(ct);
            if (id is null or DBNull)
            {
                return null;
            }

            var lineId = Convert.ToInt64(id, System.Globalization.CultureInfo.InvariantCulture);
            await InsertKeyAsync(context, organizationId, lineId, key, ct);
            var audit = await AuditChain.OpenAsync(context, organizationId, ct);
            await audit.AppendAsync(new AuditEntry("line_created") { LineNumber = number, Text = displayName }, ct);
            return (new Line(lineId, organizationId, number, displayName, context.Now), key);
        }, cancellationToken);
    }

    public async Task<Line?> RenameLineAsync(long organizationId, long lineId, string displayName, CancellationToken cancellationToken = default)
    {
        var renamed = await database.WriteAsync(async (context, ct) =>
        {
            var line = await FindLineAsync(context.Connection, context.Transaction, "id = @id", lineId, ct);
            if (line is null || line.OrganizationId != organizationId)
            {
                return null;
            }

            await using var update = context.Command("UPDATE lines SET display_name = @name WHERE id = @id").With("@name", displayName).With("@id", lineId);
            await update.ExecuteNonQueryAsync(ct);
            var audit = await AuditChain.OpenAsync(context, organizationId, ct);
            await audit.AppendAsync(new AuditEntry("line_renamed") { LineNumber = line.Number, Text = displayName, Detail = line.DisplayName }, ct);
            return line with { DisplayName = displayName };
        }, cancellationToken);

        // After the commit: a lookup in between would otherwise cache the old name again.
        _lines.Forget(lineId);
        return renamed;
    }

    public async Task<Principal?> AuthenticateAsync(string key, CancellationToken cancellationToken = default)
    {
        if (_keys.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var hash = ApiKeys.Hash(key);
        var principal = await database.ReadAsync(async connection =>
        {
            await using var command = connection.Command("SELECT organization_id, line_id FROM api_keys WHERE key_hash = @hash AND revoked_at IS NULL").With("@hash", hash);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken) ? new Principal(reader.GetInt64(0), reader.GetNullableInt64(1)) : null;
        }, cancellationToken);
        if (principal is not null)
        {
            _keys[key] = principal;
        }

        return principal;
    }

    public Task<IReadOnlyList<long>> OrganizationIdsAsync(CancellationToken cancellationToken = default) =>
        database.ReadAsync<IReadOnlyList<long>>(async connection =>
        {
            await using var command = connection.Command("SELECT id FROM organizations ORDER BY id");
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var ids = new List<long>();
            while (await reader.ReadAsync(cancellationToken))
            {
                ids.Add(reader.GetInt64(0));
            }

            return ids;
        }, cancellationToken);

    public Task<Organization?> GetOrganizationAsync(long id, CancellationToken cancellationToken = default) =>
        database.ReadAsync(async connection =>
        {
            await using var command = connection.Command("SELECT id, name FROM organizations WHERE id = @id").With("@id", id);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken) ? new Organization(reader.GetInt64(0), reader.GetString(1)) : null;
        }, cancellationToken);

    public async Task<Line?> FindLineByNumberAsync(string number, CancellationToken cancellationToken = default) =>
        _lines.ByNumber(number) ?? _lines.Remember(
            await database.ReadAsync(connection => FindLineAsync(connection, null, "number = @id", number, cancellationToken), cancellationToken));

    public async Task<Line?> FindLineByIdAsync(long id, CancellationToken cancellationToken = default) =>
        _lines.ById(id) ?? _lines.Remember(
            await database.ReadAsync(connection => FindLineAsync(connection, null, "id = @id", id, cancellationToken), cancellationToken));

    public Task<IReadOnlyList<Line>> ListLinesAsync(long organizationId, long after, int limit, CancellationToken cancellationToken = default) =>
        database.ReadAsync<IReadOnlyList<Line>>(async connection =>
        {
            await using var command = connection.Command(
                "SELECT id, organization_id, number, display_name, created_at FROM lines WHERE organization_id = @org AND id > @after ORDER BY id LIMIT @limit")
                .With("@org", organizationId).With("@after", after).With("@limit", limit);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var lines = new List<Line>();
            while (await reader.ReadAsync(cancellationToken))
            {
                lines.Add(ReadLine(reader));
            }

            return lines;
        }, cancellationToken);

    public Task<(long Version, OrganizationSettings Settings)> GetSettingsAsync(long organizationId, CancellationToken cancellationToken = default) =>
        database.ReadAsync(connection => LoadSettingsAsync(connection, null, organizationId, cancellationToken), cancellationToken);

    /// <summary>Applies a change to the settings as a new version, recorded in the attestation record.</summary>
    public Task<(long Version, OrganizationSettings Settings)> UpdateSettingsAsync(
        long organizationId, Func<OrganizationSettings, long, OrganizationSettings> change, string actor, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (context, ct) =>
        {
            var (version, current) = await LoadSettingsAsync(context.Connection, context.Transaction, organizationId, ct);
            var next = change(current, version + 1);
            var document = JsonSerializer.Serialize(next, Json);
            await using (var update = context.Command(
                "UPDATE settings SET version = @version, document = @doc, changed_at = @now WHERE organization_id = @org;" +
                "INSERT INTO settings_versions (organization_id, version, document, changed_at, changed_by) VALUES (@org, @version, @doc, @now, @actor)")
                .With("@org", organizationId).With("@version", version + 1).With("@doc", document).With("@now", context.Now.ToUnixMs()).With("@actor", actor))
            {
                await update.ExecuteNonQueryAsync(ct);
            }

            context.ForgetSettingsVersion(organizationId);
            var audit = await AuditChain.OpenAsync(context, organizationId, ct);
            await audit.AppendAsync(new AuditEntry("settings_changed") { Detail = document, TemplateVersion = version + 1, Text = actor }, ct);
            return (version + 1, next);
        }, cancellationToken);

    /// <summary>The policy of a settings version, built once per version.</summary>
    public async Task<ConsentPolicy> PolicyAsync(DbConnection connection, DbTransaction? transaction, long organizationId, CancellationToken cancellationToken)
    {
        await using var command = connection.Command("SELECT version FROM settings WHERE organization_id = @org", transaction).With("@org", organizationId);
        var version = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        return await PolicyAsync(connection, transaction, organizationId, version, cancellationToken);
    }

    /// <summary>The policy in force for an event of a write batch: the settings version is read once per batch.</summary>
    public async Task<ConsentPolicy> PolicyAsync(WriteContext context, long organizationId, CancellationToken cancellationToken)
    {
        if (context.SettingsVersion(organizationId) is null)
        {
            await context.ReadAheadAsync(cancellationToken);
        }

        if (context.SettingsVersion(organizationId) is not { } version)
        {
            await using var command = context.Command("SELECT version FROM settings WHERE organization_id = @org").With("@org", organizationId);
            version = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
            context.RememberSettingsVersion(organizationId, version);
        }

        return await PolicyAsync(context.Connection, context.Transaction, organizationId, version, cancellationToken);
    }

    private async Task<ConsentPolicy> PolicyAsync(DbConnection connection, DbTransaction? transaction, long organizationId, long version, CancellationToken cancellationToken)
    {
        if (_policies.TryGetValue((organizationId, version), out var policy))
        {
            return policy;
        }

        var (_, settings) = await LoadSettingsAsync(connection, transaction, organizationId, cancellationToken);
        policy = settings.ToPolicy(version);
        _policies[(organizationId, version)] = policy;
        return policy;
    }

    internal static async Task<Line?> FindLineAsync(DbConnection connection, DbTransaction? transaction, string where, object id, CancellationToken cancellationToken)
    {
        await using var command = connection.Command($"SELECT id, organization_id, number, display_name, created_at FROM lines WHERE {where}", transaction).With("@id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadLine(reader) : null;
    }

    private static Line ReadLine(DbDataReader reader) =>
        new(reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3), DbExtensions.FromUnixMs(reader.GetInt64(4)));

    private static async Task<(long, OrganizationSettings)> LoadSettingsAsync(DbConnection connection, DbTransaction? transaction, long organizationId, CancellationToken cancellationToken)
    {
        await using var command = connection.Command("SELECT version, document FROM settings WHERE organization_id = @org", transaction).With("@org", organizationId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            throw new InvalidOperationException($"Organization {organizationId} has no settings.");
        }

        return (reader.GetInt64(0), JsonSerializer.Deserialize<OrganizationSettings>(reader.GetString(1), Json)!);
    }

    private static async Task InsertKeyAsync(WriteContext context, long organizationId, long? lineId, string key, CancellationToken cancellationToken)
    {
        await using var command = context.Command(
            "INSERT INTO api_keys (organization_id, line_id, key_hash, prefix, created_at) VALUES (@org, @line, @hash, @prefix, @now)")
            .With("@org", organizationId).With("@line", lineId).With("@hash", ApiKeys.Hash(key)).With("@prefix", ApiKeys.Prefix(key)).With("@now", context.Now.ToUnixMs());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
