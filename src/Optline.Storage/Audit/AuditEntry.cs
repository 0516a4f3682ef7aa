namespace Optline.Storage.Audit;

/// <summary>One fact for the attestation record (PRODUCT.md §8); sequence, time and hashes are added when appended.</summary>
public sealed record AuditEntry(string Event)
{
    public string? LineNumber { get; init; }

    public string? Contact { get; init; }

    public string? Channel { get; init; }

    public string? MessageId { get; init; }

    public string? Text { get; init; }

    public string? TemplateId { get; init; }

    public long? TemplateVersion { get; init; }

    public string? Rule { get; init; }

    public string? ClassifierVersion { get; init; }

    public string? ProviderMessageId { get; init; }

    public string? Signature { get; init; }

    public string? PayloadSha256 { get; init; }

    public string? Detail { get; init; }
}

/// <summary>An appended record: the entry with its place in the chain.</summary>
public sealed record AuditRecord(long OrganizationId, long Seq, DateTimeOffset At, AuditEntry Entry, string PrevHash, string Hash);
