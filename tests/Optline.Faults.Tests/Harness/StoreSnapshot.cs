using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Optline.Faults;

/// <summary>Where a run's data lives, and how the harness opens it read-only behind the server's back.</summary>
public sealed record DatabaseTarget(string Provider, string ConnectionString)
{
    public bool IsPostgres => Provider == "postgres";

    public DbConnection OpenReadOnly()
    {
        DbConnection connection = IsPostgres
            ? new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false, Options = "-c default_transaction_read_only=on" }.ConnectionString)
            : new SqliteConnection(new SqliteConnectionStringBuilder(ConnectionString) { Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ConnectionString);
        connection.Open();
        return connection;
    }
}

public sealed record StoredMessage(
    Guid Id, long ConversationId, int Kind, int? Direction, string Body, string Status, string? Reason, string? TemplateId, string? ProviderMessageId)
{
    public bool IsInbound => Kind == 0 && Direction == 0;

    public bool IsOutbound => Kind == 0 && Direction == 1;
}

public sealed record StoredConversation(long Id, long LineId, string Contact, int Channel, int State)
{
    public const int OptedOut = 3;
    public const int OptedIn = 2;
}

public sealed record StoredOutbox(long Id, Guid MessageId, bool Dead, long Attempts, string? LastError);

public sealed record StoredAudit(long OrganizationId, long Seq, string Event, string? MessageId, string? Contact, string? ProviderMessageId, string? Detail);

/// <summary>The tables the invariants read, as they are after a run (read-only; the server may be stopped or running).</summary>
public sealed class StoreSnapshot
{
    public required IReadOnlyList<StoredMessage> Messages { get; init; }

    public required IReadOnlyList<StoredConversation> Conversations { get; init; }

    public required IReadOnlyDictionary<long, string> Lines { get; init; }

    public required IReadOnlyList<StoredOutbox> Outbox { get; init; }

    public required IReadOnlyList<StoredAudit> Audit { get; init; }

    public required IReadOnlySet<(string Provider, string Id)> ProcessedInbound { get; init; }

    public static StoreSnapshot Read(DatabaseTarget target)
    {
        using var connection = target.OpenReadOnly();
        Guid Uuid(DbDataReader r, int i) => target.IsPostgres ? r.GetGuid(i) : new Guid((byte[])r.GetValue(i));
        string? Text(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

        return new StoreSnapshot
        {
            Messages = Query(connection, "SELECT id, conversation_id, kind, direction, body, status, reason, template_id, provider_message_id FROM messages ORDER BY seq",
                r => new StoredMessage(Uuid(r, 0), r.GetInt64(1), (int)r.GetInt64(2), r.IsDBNull(3) ? null : (int)r.GetInt64(3), r.GetString(4), r.GetString(5),
                    Text(r, 6), Text(r, 7), Text(r, 8))),
            Conversations = Query(connection, "SELECT id, line_id, contact, channel, state FROM conversations",
                r => new StoredConversation(r.GetInt64(0), r.GetInt64(1), r.GetString(2), (int)r.GetInt64(3), (int)r.GetInt64(4))),
            Lines = Query(connection, "SELECT id, number FROM lines", r => (r.GetInt64(0), r.GetString(1))).ToDictionary(l => l.Item1, l => l.Item2),
            Outbox = Query(connection, "SELECT id, message_id, dead, attempts, last_error FROM outbox",
                r => new StoredOutbox(r.GetInt64(0), Uuid(r, 1), r.GetInt64(2) == 1, r.GetInt64(3), Text(r, 4))),
            Audit = Query(connection, "SELECT organization_id, seq, event, message_id, contact, provider_message_id, detail FROM audit_records ORDER BY organization_id, seq",
                r => new StoredAudit(r.GetInt64(0), r.GetInt64(1), r.GetString(2), Text(r, 3), Text(r, 4), Text(r, 5), Text(r, 6))),
            ProcessedInbound = Query(connection, "SELECT provider, provider_message_id FROM processed_inbound", r => (r.GetString(0), r.GetString(1))).ToHashSet(),
        };
    }

    /// <summary>One number from the database, e.g. <c>SELECT COUNT(*) FROM processed_inbound WHERE provider_message_id = @id</c>.</summary>
    public static long Count(DatabaseTarget target, string sql, params (string Name, object Value)[] parameters)
    {
        using var connection = target.OpenReadOnly();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The bodies stored for an inbound provider id (a Twilio MessageSid or a WhatsApp wamid).</summary>
    public static IReadOnlyList<string> InboundBodies(DatabaseTarget target, string providerMessageId)
    {
        using var connection = target.OpenReadOnly();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT body FROM messages WHERE provider_message_id = @id AND direction = 0";
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@id";
        parameter.Value = providerMessageId;
        command.Parameters.Add(parameter);
        using var reader = command.ExecuteReader();
        var bodies = new List<string>();
        while (reader.Read())
        {
            bodies.Add(reader.GetString(0));
        }

        return bodies;
    }

    /// <summary>Outbox rows still to send (not dead-lettered): zero once the dispatcher has drained.</summary>
    public static long PendingSends(DatabaseTarget target)
    {
        using var connection = target.OpenReadOnly();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM outbox WHERE dead = 0";
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static List<T> Query<T>(DbConnection connection, string sql, Func<DbDataReader, T> read)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
        {
            rows.Add(read(reader));
        }

        return rows;
    }
}
