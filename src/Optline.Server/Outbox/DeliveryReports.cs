using Optline.Core.Consent;
using Optline.Storage.Audit;
using Optline.Storage.Conversations;
using Optline.Storage.Organizations;
using Optline.Storage.Outbox;

namespace Optline.Server.Outbox;

/// <summary>Carrier delivery reports; a report that the recipient unsubscribed (Twilio 21610) is an opt-out with source provider.</summary>
public sealed class DeliveryReports(OutboxStore outbox, OrganizationStore organizations, ConversationService conversations)
{
    public async Task RecordAsync(string providerMessageId, string status, string? errorCode, bool optedOut, CancellationToken ct)
    {
        var conversation = await outbox.RecordDeliveryAsync(providerMessageId, status, errorCode, ct);
        if (optedOut && conversation is { } found)
        {
            await CarrierOptOutAsync(found.LineId, found.Contact, found.Channel, $"delivery report {errorCode}", ct);
        }
    }

    public async Task CarrierOptOutAsync(long lineId, string contact, Channel channel, string reason, CancellationToken ct)
    {
        var line = await organizations.FindLineByIdAsync(lineId, ct);
        if (line is not null)
        {
            await conversations.ApplyAsync(line, contact, channel, at => new CarrierReportedOptOut(reason, at),
                new AuditEntry("carrier_opt_out") { Detail = reason }, ct);
        }
    }
}
