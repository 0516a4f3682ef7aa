using System.Runtime.CompilerServices;
using Optline.Core.Consent;
using Optline.Storage.Database;

namespace Optline.Storage.Conversations;

/// <summary>One row of the consent registry: a conversation's current consent.</summary>
public sealed record RegistryEntry(long ConversationId, string LineNumber, string LineDisplayName, string Contact, Channel Channel, ConsentState State, DateTimeOffset? Since, OptOutSource? OptOutSource);

/// <summary>Which registry rows to list; every filter is optional. <see cref="ContactContains"/> matches part of a number.</summary>
public sealed record RegistryFilter(long? LineId = null, string? Contact = null, string? ContactContains = null, ConsentState? State = null, Channel? Channel = null);

/// <summary>The consent registry: every conversation's current state, streamed in id order for export and paging.</summary>
public sealed class RegistryQueries(OptlineDatabase database)
{
    public async IAsyncEnumerable<RegistryEntry> StreamAsync(long organizationId, RegistryFilter filter, long after = 0, int? limit = null, [EnumeratorCancellation] CancellationToken ct = default)
    {
        await using var connection = database.Dialect.CreateConnection();
        await connection.OpenAsync(ct);
        await using var command = connection.Command(
            "SELECT c.id, l.number, l.display_name, c.contact, c.channel, c.state, c.since, c.opt_out_source FROM conversations c JOIN lines l ON l.id = c.line_id " +
            "WHERE c.organization_id = @org AND c.id > @after AND (@line IS NULL OR c.line_id = @line) AND (@contact IS NULL OR c.contact = @contact) " +
            "AND (@like IS NULL OR c.contact LIKE @like) AND (@state IS NULL OR c.state = @state) AND (@channel IS NULL OR c.channel = @channel) " +
            "ORDER BY c.id" + (limit is null ? string.Empty : " LIMIT @limit"))
            .With("@org", organizationId).With("@after", after).WithNullable("@line", filter.LineId).WithNullable("@contact", filter.Contact)
            .WithNullable("@like", filter.ContactContains is null ? null : "%" + filter.ContactContains.Replace("%", string.Empty, StringComparison.Ordinal) + "%")
            .WithNullable("@state", filter.State is null ? null : (long?)filter.State).WithNullable("@channel", filter.Channel is null ? null : (long?)filter.Channel)
            .With("@limit", limit ?? 0);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var state = (ConsentState)reader.GetInt64(5);
            yield return new RegistryEntry(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), (Channel)reader.GetInt64(4), state,
                DbExtensions.FromUnixMs(reader.GetNullableInt64(6)), state == ConsentState.OptedOut && !reader.IsDBNull(7) ? (OptOutSource)reader.GetInt64(7) : null);
        }
    }
}
