using Optline.Storage.Database;

namespace Optline.Storage.Audit;

/// <summary>
/// Appends to an organization's chain inside the current write transaction. The head is read (and on PostgreSQL
/// locked <c>FOR UPDATE</c>; SQLite has one writer) by the first event of a batch that writes to the chain, carried
/// in memory through the batch, and written back once just before the commit, so concurrent nodes never fork it.
/// </summary>
public sealed class AuditChain
{
    private readonly WriteContext _context;
    private bool _headExists;
    private long _writtenSeq;

    private AuditChain(WriteContext context, long organizationId, long seq, string hash, bool headExists)
    {
        _context = context;
        OrganizationId = organizationId;
        Position = new Mark(seq, hash);
        _writtenSeq = seq;
        _headExists = headExists;
    }

    /// <summary>The last record appended: its sequence number and hash.</summary>
    public readonly record struct Mark(long Seq, string Hash);

    public long OrganizationId { get; }

    internal Mark Position { get; set; }

    public static async Task<AuditChain> OpenAsync(WriteContext context, long organizationId, CancellationToken cancellationToken)
    {
        if (context.Chain(organizationId) is { } open)
        {
            return open;
        }

        AuditChain chain;
        await using (var command = context.Command($"SELECT seq, hash FROM audit_heads WHERE organization_id = @org{context.Dialect.ForUpdate}")
            .With("@org", organizationId))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            chain = await reader.ReadAsync(cancellationToken)
                ? new AuditChain(context, organizationId, reader.GetInt64(0), reader.GetString(1), headExists: true)
                : new AuditChain(context, organizationId, 0, AuditHash.Genesis, headExists: false);
        }

        context.AddChain(organizationId, chain);
        return chain;
    }

    public async Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        var (previousSeq, previousHash) = Position;
        var seq = previousSeq + 1;
        var at = _context.Now;
        var hash = AuditHash.Compute(OrganizationId, seq, at, entry, previousHash);
        await using var command = _context.Command(
            "INSERT INTO audit_records (organization_id, seq, at, event, line_number, contact, channel, message_id, text, template_id, template_version, rule, classifier_version, provider_message_id, signature, payload_sha256, detail, prev_hash, hash) " +
            "VALUES (@org, @seq, @at, @event, @line, @contact, @channel, @message, @text, @template, @version, @rule, @classifier, @provider, @signature, @payload, @detail, @prev, @hash)")
            .With("@org", OrganizationId).With("@seq", seq).With("@at", at.ToUnixMs()).With("@event", entry.Event)
            .With("@line", entry.LineNumber).With("@contact", entry.Contact).With("@channel", entry.Channel).With("@message", entry.MessageId)
            .With("@text", entry.Text).With("@template", entry.TemplateId).With("@version", entry.TemplateVersion).With("@rule", entry.Rule)
            .With("@classifier", entry.ClassifierVersion).With("@provider", entry.ProviderMessageId).With("@signature", entry.Signature)
            .With("@payload", entry.PayloadSha256).With("@detail", entry.Detail).With("@prev", previousHash).With("@hash", hash);
        await command.ExecuteNonQueryAsync(cancellationToken);
        Position = new Mark(seq, hash);
    }

    /// <summary>Ends an event's use of the chain. The head itself is written once per batch, just before the commit.</summary>
    public Task CloseAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    internal async Task WriteHeadAsync(CancellationToken cancellationToken)
    {
        var (seq, hash) = Position;
        if (seq == _writtenSeq)
        {
            return;
        }

        var sql = _headExists
            ? "UPDATE audit_heads SET seq = @seq, hash = @hash WHERE organization_id = @org"
            : "INSERT INTO audit_heads (organization_id, seq, hash) VALUES (@org, @seq, @hash)";
        await using var command = _context.Command(sql).With("@org", OrganizationId).With("@seq", seq).With("@hash", hash);
        await command.ExecuteNonQueryAsync(cancellationToken);
        _headExists = true;
        _writtenSeq = seq;
    }
}
