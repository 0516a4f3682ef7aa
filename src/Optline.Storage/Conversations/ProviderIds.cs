using Optline.Storage.Database;

namespace Optline.Storage.Conversations;

/// <summary>Where an inbound message's provider id stands when its event begins.</summary>
internal enum ProviderIdClaim
{
    /// <summary>Processed before, or earlier in the same batch: the earlier outcome is the answer.</summary>
    Seen,

    /// <summary>New; its row is written, with the outcome, when the event (SQLite) or the batch (PostgreSQL) ends.</summary>
    New,

    /// <summary>New, and already inserted as a claim (PostgreSQL, event by event): the outcome is filled in at the end.</summary>
    Claimed,
}

/// <summary>
/// The provider ids a PostgreSQL batch processed, with the outcome each returned: one insert for the whole batch,
/// just before the commit. Another node processing the same id at the same moment makes that insert fail; the batch
/// then runs again event by event, where each id is claimed before anything is decided.
/// </summary>
internal sealed class NewProviderIds
{
    private const string Insert =
        "INSERT INTO processed_inbound (provider, provider_message_id, outcome, processed_at) " +
        "SELECT p, i, o, @now FROM unnest(@providers::text[], @ids::text[], @outcomes::text[]) AS u(p, i, o)";

    private readonly Dictionary<(string Provider, string Id), string> _outcomes = [];

    public void Add(string provider, string id, string outcome) => _outcomes[(provider, id)] = outcome;

    /// <summary>The outcome recorded earlier in this batch, if any.</summary>
    public string? Outcome(string provider, string id) => _outcomes.GetValueOrDefault((provider, id));

    public async Task WriteAsync(WriteContext context, CancellationToken cancellationToken)
    {
        if (_outcomes.Count == 0)
        {
            return;
        }

        await using var insert = context.Command(Insert)
            .With("@providers", _outcomes.Keys.Select(k => k.Provider).ToArray()).With("@ids", _outcomes.Keys.Select(k => k.Id).ToArray())
            .With("@outcomes", _outcomes.Values.ToArray()).With("@now", context.Now.ToUnixMs());
        await insert.ExecuteLaterAsync(cancellationToken);
        _outcomes.Clear();
    }
}
