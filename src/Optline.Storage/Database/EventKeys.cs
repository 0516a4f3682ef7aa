using Optline.Core.Consent;

namespace Optline.Storage.Database;

/// <summary>
/// What an event is about: its organization, its conversation, and the provider message id it claims when a
/// carrier delivered it. With these the writer reads the whole batch ahead in one round trip (PostgreSQL).
/// </summary>
public sealed record EventKeys(long OrganizationId, long LineId, string Contact, Channel Channel, string? Provider = null, string? ProviderMessageId = null)
{
    public ConversationKey Conversation => new(LineId, Contact);
}
