using Optline.Core.Templates;
using Optline.Storage.Organizations;

namespace Optline.Server.Web.Portal;

/// <summary>One text of a template in one language, as the organization has it now.</summary>
public sealed record TemplateText(string Language, string Text, bool IsCustom, long? Version);

/// <summary>A template id with what it is for and every language it has a text in.</summary>
public sealed record TemplateEntry(TemplateId Id, string Purpose, IReadOnlyList<TemplateText> Texts)
{
    public string Name => Id.Name();

    public string Audience => Id.IsNotice() ? "Notice to the line user" : "Sent to the contact";
}

/// <summary>The templates page's content: the seed's default text in the default language, and each organization override.</summary>
public static class TemplateCatalog
{
    public static IReadOnlyList<TemplateEntry> Of(OrganizationSettings settings) =>
        [.. TemplateIds.All.Select(id =>
        {
            var texts = new SortedDictionary<string, TemplateText>(StringComparer.Ordinal)
            {
                [DefaultTemplates.Language] = new TemplateText(DefaultTemplates.Language, DefaultTemplates.Text(id), false, null),
            };
            if (settings.Templates.TryGetValue(id.Name(), out var custom))
            {
                foreach (var (language, stored) in custom)
                {
                    texts[language] = new TemplateText(language, stored.Text, true, stored.Version);
                }
            }

            return new TemplateEntry(id, Purpose(id), [.. texts.Values]);
        })];

    public static string Purpose(TemplateId id) => id switch
    {
        TemplateId.LineRequest => "Asks the contact for consent when the line writes first.",
        TemplateId.LinePendingNotice => "Tells the line user that the contact was asked to opt in.",
        TemplateId.LineOptedInNotice => "Tells the line user that the contact opted in (the line wrote first).",
        TemplateId.LineOptedInConfirm => "Confirms the opt-in to the contact (the line wrote first).",
        TemplateId.ContactRequest => "Asks the contact for consent when the contact writes first.",
        TemplateId.ContactPendingNotice => "Tells the line user that a contact wrote and was asked to opt in.",
        TemplateId.ContactOptedInNotice => "Tells the line user that the contact opted in (the contact wrote first).",
        TemplateId.ContactOptedInConfirm => "Confirms the opt-in to the contact (the contact wrote first).",
        TemplateId.OptOutNotice => "Tells the line user that the contact opted out.",
        TemplateId.OptOutConfirm => "Confirms the opt-out to the contact.",
        TemplateId.Help => "Answers a contact who writes HELP.",
        _ => string.Empty,
    };
}
