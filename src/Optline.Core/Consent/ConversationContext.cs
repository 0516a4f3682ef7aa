using Optline.Core.Templates;

namespace Optline.Core.Consent;

/// <summary>Who is talking: the names and numbers templates are rendered with.</summary>
public sealed record ConversationContext(string OrganizationName, string LineDisplayName, string LineNumber, string ContactNumber, Channel Channel)
{
    public TemplateValues TemplateValues => new(LineDisplayName, OrganizationName, ContactNumber);
}
