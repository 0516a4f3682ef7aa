using Npgsql;
using Optline.Storage.Database;

namespace Optline.Storage.Audit;

/// <summary>
/// Appends to an organization's chain inside the current write transaction. The events of a batch add their
/// records in order; just before the commit the head is read and locked (PostgreSQL <c>FOR UPDATE</c>; SQLite has
/// one writer), the records are numbered and hashed from it and inserted, and the head moves to the last one.
/// Taking the head last, and only for the moment of the commit, lets writers and nodes work side by side
/// without ever forking the chain. A PostgreSQL batch that read ahead took the head then, without a lock, and saves
/// the round trip: if another writer moved the head since, the numbers it gave its records are taken (the key is
/// the organization and the number), the insert fails and the batch runs again event by event, reading the head here.
/// </summary>
public sealed class AuditChain
{
    // One row per statement on SQLite, where Microsoft.Data.Sqlite finds each named parameter by a linear search
    // (a 16-record insert, 304 parameters, spent more time binding than inserting); all of a batch's in one on PostgreSQL.
    private static readonly RowInsert Insert = new("audit_records",
        ("organization_id", ColumnType.Bigint), ("seq", ColumnType.Bigint), ("at", ColumnType.Bigint), ("event", ColumnType.Text),
        ("line_number", ColumnType.Text), ("contact", ColumnType.Text), ("channel", ColumnType.Text), ("message_id", ColumnType.Text),
        ("text", ColumnType.Text), ("template_id", ColumnType.Text), ("template_version", ColumnType.Bigint), ("rule", ColumnType.Text),
        ("classifier_version", ColumnType.Text), ("provider_message_id", ColumnType.Text), ("signature", ColumnType.Text),
        ("payload_sha256", ColumnType.Text), ("detail", ColumnType.Text), ("prev_hash", ColumnType.Text), ("hash", ColumnType.Text));

    private readonly WriteContext _context;
    private readonly List<AuditEntry> _pending = [];

    private AuditChain(WriteContext context, long organizationId)
    {
        _context = context;
        OrganizationId = organizationId;
    }

    public long OrganizationId { get; }

    /// <summary>Records appended so far in this batch; an event rolled back goes back to its starting count.</summary>
    internal int Appended
    {
        get => _pending.Count;
        set => _pending.RemoveRange(value, _pending.Count - value);
    }

    /// <summary>The organization's chain for this batch.</summary>
    public static Task<AuditChain> OpenAsync(WriteContext context, long organizationId, CancellationToken cancellationToken)
    {
        if (context.Chain(organizationId) is not { } chain)
        {
            chain = new AuditChain(context, organizationId);
            context.AddChain(organizationId, chain);
        }

        return Task.FromResult(chain);
    }

    public Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        _pending.Add(entry);
        return Task.CompletedTask;
    }

    /// <summary>Numbers, hashes and inserts the batch's records and moves the head; runs once, just before the commit.</summary>
    internal async Task WriteAsync(CancellationToken cancellationToken)
    {
        if (_pending.Count == 0)
        {
            return;
        }

        (long Seq, string Hash)? early = null;
        var readAhead = _context.ChainHeadsAhead && await _context.ReadAheadAsync(cancellationToken) is { } ahead && ahead.TryGetChainHead(OrganizationId, out early);
        var (seq, hash, headExists) = readAhead
            ? early is { } head ? (head.Seq, head.Hash, true) : (0, AuditHash.Genesis, false)
            : await ReadHeadAsync(cancellationToken);
        var readSeq = seq;
        var at = _context.Now;
        foreach (var entry in _pending)
        {
            seq++;
            var next = AuditHash.Compute(OrganizationId, seq, at, entry, hash);
            await _context.InsertRowAsync(Insert,
                [
                    OrganizationId, seq, at.ToUnixMs(), entry.Event, entry.LineNumber, entry.Contact, entry.Channel, entry.MessageId, entry.Text,
                    entry.TemplateId, entry.TemplateVersion, entry.Rule, entry.ClassifierVersion, entry.ProviderMessageId, entry.Signature,
                    entry.PayloadSha256, entry.Detail, hash, next,
                ],
                cancellationToken);
            hash = next;
        }

        var sql = !headExists ? "INSERT INTO audit_heads (organization_id, seq, hash) VALUES (@org, @seq, @hash)"
            : !readAhead ? "UPDATE audit_heads SET seq = @seq, hash = @hash WHERE organization_id = @org"
            // Unlocked, the head must still be where it was read, or the statement fails (a division by zero) and the
            // batch with it; the records' keys already guarantee it, and this keeps a moved head from being overwritten.
            : "WITH moved AS (UPDATE audit_heads SET seq = @seq, hash = @hash WHERE organization_id = @org AND seq = @read RETURNING 1) " +
              "SELECT 1 / (SELECT count(*)::int FROM moved)";
        await using var command = _context.Command(sql).With("@org", OrganizationId).With("@seq", seq).With("@hash", hash).With("@read", readSeq);
        await command.ExecuteLaterAsync(cancellationToken);
        _pending.Clear();
    }

    /// <summary>Whether a batch failed because the head it had read ahead was moved by another writer before its commit.</summary>
    internal static bool HeadMovedMeanwhile(Exception exception) => exception is PostgresException
    {
        SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: "audit_records_pkey" or "audit_heads_pkey",
    } or PostgresException { SqlState: PostgresErrorCodes.DivisionByZero };

    private async Task<(long Seq, string Hash, bool Exists)> ReadHeadAsync(CancellationToken cancellationToken)
    {
        await using var command = _context.Command($"SELECT seq, hash FROM audit_heads WHERE organization_id = @org{_context.Dialect.ForUpdate}")
            .With("@org", OrganizationId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? (reader.GetInt64(0), reader.GetString(1), true)
            : (0, AuditHash.Genesis, false);
    }
}
