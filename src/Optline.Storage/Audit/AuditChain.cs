using Optline.Storage.Database;

namespace Optline.Storage.Audit;

/// <summary>
/// Appends to an organization's chain inside the current write transaction. The chain head row is locked
/// for the transaction (PostgreSQL <c>FOR UPDATE</c>; SQLite has one writer), so concurrent nodes never fork it.
/// </summary>
public sealed class AuditChain
{
    private readonly WriteContext _context;
    private readonly long _organizationId;
    private bool _isNew;
    private long _seq;
    private string _hash;
    private int _appended;

    private AuditChain(WriteContext context, long organizationId, long seq, string hash, bool isNew)
    {
        _context = context;
        _organizationId = organizationId;
        _seq = seq;
        _hash = hash;
        _isNew = isNew;
    }

    public static async Task<AuditChain> OpenAsync(WriteContext context, long organizationId, CancellationToken cancellationToken)
    {
        await using var command = context.Command($"SELECT seq, hash FROM audit_heads WHERE organization_id = @org{context.Dialect.ForUpdate}")
            .With("@org", organizationId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new AuditChain(context, organizationId, reader.GetInt64(0), reader.GetString(1), isNew: false)
            : new AuditChain(context, organizationId, 0, AuditHash.Genesis, isNew: true);
    }

    public async Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        var seq = _seq + 1;
        var at = _context.Now;
        var hash = AuditHash.Compute(_organizationId, seq, at, entry, _hash);
        await using var command = _context.Command(
            "INSERT INTO audit_records (organization_id, seq, at, event, line_number, contact, channel, message_id, text, template_id, template_version, rule, classifier_version, provider_message_id, signature, payload_sha256, detail, prev_hash, hash) " +
            "VALUES (@org, @seq, @at, @event, @line, @contact, @channel, @message, @text, @template, @version, @rule, @classifier, @provider, @signature, @payload, @detail, @prev, @hash)")
            .With("@org", _organizationId).With("@seq", seq).With("@at", at.ToUnixMs()).With("@event", entry.Event)
            .With("@line", entry.LineNumber).With("@contact", entry.Contact).With("@channel", entry.Channel).With("@message", entry.MessageId)
            .With("@text", entry.Text).With("@template", entry.TemplateId).With("@version", entry.TemplateVersion).With("@rule", entry.Rule)
            .With("@classifier", entry.ClassifierVersion).With("@provider", entry.ProviderMessageId).With("@signature", entry.Signature)
            .With("@payload", entry.PayloadSha256).With("@detail", entry.Detail).With("@prev", _hash).With("@hash", hash);
        await command.ExecuteNonQueryAsync(cancellationToken);
        _seq = seq;
        _hash = hash;
        _appended++;
    }

    /// <summary>Moves the chain head to the last appended record.</summary>
    public async Task CloseAsync(CancellationToken cancellationToken)
    {
        if (_appended == 0)
        {
            return;
        }

        var sql = _isNew
            ? "INSERT INTO audit_heads (organization_id, seq, hash) VALUES (@org, @seq, @hash)"
            : "UPDATE audit_heads SET seq = @seq, hash = @hash WHERE organization_id = @org";
        await using var command = _context.Command(sql).With("@org", _organizationId).With("@seq", _seq).With("@hash", _hash);
        await command.ExecuteNonQueryAsync(cancellationToken);
        _appended = 0;
        _isNew = false;
    }
}
