using Optline.Storage.Audit;
using Optline.Storage.Conversations;
using Optline.Storage.Organizations;

namespace Optline.Server.Audit;

/// <summary>Gathers a contact's consent proof: the registry rows, the contact's records, and a verification of the whole chain.</summary>
public sealed class ProofBuilder(OrganizationStore organizations, RegistryQueries registry, AuditQueries audit, TimeProvider time)
{
    public async Task<ConsentProof> BuildAsync(long organizationId, Line? line, string contact, CancellationToken ct)
    {
        var organization = await organizations.GetOrganizationAsync(organizationId, ct);
        var conversations = new List<RegistryEntry>();
        await foreach (var entry in registry.StreamAsync(organizationId, new RegistryFilter(LineId: line?.Id, Contact: contact), ct: ct))
        {
            conversations.Add(entry);
        }

        var records = new List<AuditRecord>();
        await foreach (var record in audit.StreamAsync(organizationId, new AuditFilter(LineNumber: line?.Number, Contact: contact), ct))
        {
            records.Add(record);
        }

        var chain = await audit.VerifyAsync(organizationId, ct);
        return new ConsentProof(organization?.Name ?? string.Empty, contact, time.GetUtcNow(), conversations, records, chain);
    }
}
