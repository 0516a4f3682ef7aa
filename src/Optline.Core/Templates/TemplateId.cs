namespace Optline.Core.Templates;

/// <summary>The automated texts of PRODUCT.md §3, by the ids the contract uses.</summary>
public enum TemplateId
{
    LineRequest,
    LinePendingNotice,
    LineOptedInNotice,
    LineOptedInConfirm,
    ContactRequest,
    ContactPendingNotice,
    ContactOptedInNotice,
    ContactOptedInConfirm,
    OptOutNotice,
    OptOutConfirm,
    Help,
}

public static class TemplateIds
{
    private static readonly (TemplateId Id, string Name)[] Names =
    [
        (TemplateId.LineRequest, "line_request"),
        (TemplateId.LinePendingNotice, "line_pending_notice"),
        (TemplateId.LineOptedInNotice, "line_optedin_notice"),
        (TemplateId.LineOptedInConfirm, "line_optedin_confirm"),
        (TemplateId.ContactRequest, "contact_request"),
        (TemplateId.ContactPendingNotice, "contact_pending_notice"),
        (TemplateId.ContactOptedInNotice, "contact_optedin_notice"),
        (TemplateId.ContactOptedInConfirm, "contact_optedin_confirm"),
        (TemplateId.OptOutNotice, "optout_notice"),
        (TemplateId.OptOutConfirm, "optout_confirm"),
        (TemplateId.Help, "help"),
    ];

    public static IEnumerable<TemplateId> All => Names.Select(n => n.Id);

    public static string Name(this TemplateId id) => Names[(int)id].Name;

    public static bool TryParse(string? name, out TemplateId id)
    {
        foreach (var (candidate, candidateName) in Names)
        {
            if (string.Equals(candidateName, name, StringComparison.Ordinal))
            {
                id = candidate;
                return true;
            }
        }

        id = default;
        return false;
    }

    /// <summary>Whether the text goes to the line user (a notice) rather than to the contact.</summary>
    public static bool IsNotice(this TemplateId id) =>
        id is TemplateId.LinePendingNotice or TemplateId.LineOptedInNotice or TemplateId.ContactPendingNotice
            or TemplateId.ContactOptedInNotice or TemplateId.OptOutNotice;
}
