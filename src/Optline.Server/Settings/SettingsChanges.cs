using Optline.Core.Consent;
using Optline.Storage.Audit;
using Optline.Storage.Conversations;
using Optline.Storage.Organizations;

namespace Optline.Server.Settings;

/// <summary>What a settings change sets in motion: turning SMS opt-in off delivers the SMS messages already held.</summary>
public sealed class SettingsChanges(ConversationService conversations, ConversationQueries queries, OrganizationStore organizations)
{
    public async Task ReleaseHeldSmsAsync(long organizationId, CancellationToken ct)
    {
        foreach (var (lineId, contact) in await queries.PendingWithHeldAsync(organizationId, Channel.Sms, ct))
        {
            var line = await organizations.FindLineByIdAsync(lineId, ct);
            if (line is not null)
            {
                await conversations.ApplyAsync(line, contact, Channel.Sms, at => new OptInRequirementLifted(at), new AuditEntry("sms_opt_in_turned_off"), ct);
            }
        }
    }
}
