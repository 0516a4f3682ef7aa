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
    private const int LargestInsert = 16;

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
        var readAhead = await _context.ReadAheadAsync(cancellationToken) is { } ahead && ahead.TryGetChainHead(OrganizationId, out early);
        var (seq, hash, headExists) = readAhead
            ? early is { } head ? (head.Seq, head.Hash, true) : (0, AuditHash.Genesis, false)
            : await ReadHeadAsync(cancellationToken);
        var readSeq = seq;
        var at = _context.Now;
        var records = new List<(long Seq, AuditEntry Entry, string PreviousHash, string Hash)>(_pending.Count);
        foreach (var entry in _pending)
        {
            seq++;
            var next = AuditHash.Compute(OrganizationId, seq, at, entry, hash);
            records.Add((seq, entry, hash, next));
            hash = next;
        }

        // SQLite finds each named parameter by a linear search of the statement's names, so a 16-row insert (304
        // parameters) spends more time binding than inserting; its statements cost no round trip, so one row each.
        var largest = _context.Dialect.IsPostgres ? LargestInsert : 1;
        for (var start = 0; start < records.Count;)
        {
            var size = largest;
            while (size > records.Count - start)
            {
                size /= 2;
            }

            await InsertAsync(records, start, size, at, cancellationToken);
            start += size;
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

    private async Task<(long Seq, string Hash, bool Exists)> ReadHeadAsync(CancellationToken cancellationToken)
    {
        await using var command = _context.Command($"SELECT seq, hash FROM audit_heads WHERE organization_id = @org{_context.Dialect.ForUpdate}")
            .With("@org", OrganizationId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? (reader.GetInt64(0), reader.GetString(1), true)
            : (0, AuditHash.Genesis, false);
    }

    private async Task InsertAsync(List<(long Seq, AuditEntry Entry, string PreviousHash, string Hash)> records, int start, int count, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var command = _context.Command(InsertSql.For(count));
        for (var i = 0; i < count; i++)
        {
            var (seq, entry, previousHash, hash) = records[start + i];
            command.With(InsertSql.Name(i, 0), OrganizationId).With(InsertSql.Name(i, 1), seq).With(InsertSql.Name(i, 2), at.ToUnixMs())
                .With(InsertSql.Name(i, 3), entry.Event).With(InsertSql.Name(i, 4), entry.LineNumber).With(InsertSql.Name(i, 5), entry.Contact)
                .With(InsertSql.Name(i, 6), entry.Channel).With(InsertSql.Name(i, 7), entry.MessageId).With(InsertSql.Name(i, 8), entry.Text)
                .With(InsertSql.Name(i, 9), entry.TemplateId).With(InsertSql.Name(i, 10), entry.TemplateVersion).With(InsertSql.Name(i, 11), entry.Rule)
                .With(InsertSql.Name(i, 12), entry.ClassifierVersion).With(InsertSql.Name(i, 13), entry.ProviderMessageId)
                .With(InsertSql.Name(i, 14), entry.Signature).With(InsertSql.Name(i, 15), entry.PayloadSha256).With(InsertSql.Name(i, 16), entry.Detail)
                .With(InsertSql.Name(i, 17), previousHash).With(InsertSql.Name(i, 18), hash);
        }

        await command.ExecuteLaterAsync(cancellationToken);
    }

    /// <summary>Multi-row inserts of 1, 2, 4, 8 and 16 records, their SQL and parameter names built once.</summary>
    private static class InsertSql
    {
        private const int Columns = 19;
        private static readonly string[] Sql = [.. Enumerable.Range(0, 5).Select(power => Build(1 << power))];
        private static readonly string[] Names = [.. Enumerable.Range(0, LargestInsert * Columns).Select(n => $"@r{n / Columns}c{n % Columns}")];

        public static string For(int count) => Sql[System.Numerics.BitOperations.Log2((uint)count)];

        public static string Name(int row, int column) => Names[(row * Columns) + column];

        private static string Build(int rows) =>
            "INSERT INTO audit_records (organization_id, seq, at, event, line_number, contact, channel, message_id, text, template_id, template_version, rule, classifier_version, provider_message_id, signature, payload_sha256, detail, prev_hash, hash) VALUES " +
            string.Join(", ", Enumerable.Range(0, rows).Select(row => "(" + string.Join(", ", Enumerable.Range(0, Columns).Select(column => $"@r{row}c{column}")) + ")"));
    }
}
