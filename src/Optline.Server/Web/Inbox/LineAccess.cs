using Optline.Storage.Organizations;

namespace Optline.Server.Web.Inbox;

/// <summary>The line a signed-in person works on: a line user always their own; an admin any line of the organization they pick.</summary>
public sealed record LineChoice(Line? Line, IReadOnlyList<Line> Choices, bool Forbidden);

public static class LineAccess
{
    public const int MaxListedLines = 1000;

    public static async Task<LineChoice> ResolveAsync(OrganizationStore organizations, Principal principal, long? requested, CancellationToken ct)
    {
        if (principal.LineId is { } own)
        {
            var line = await organizations.FindLineByIdAsync(own, ct);
            if (requested is { } other && other != own)
            {
                return new LineChoice(null, [], Forbidden: true);
            }

            return new LineChoice(line, line is null ? [] : [line], Forbidden: false);
        }

        var lines = await organizations.ListLinesAsync(principal.OrganizationId, 0, MaxListedLines, ct);
        if (requested is { } id)
        {
            var chosen = lines.FirstOrDefault(l => l.Id == id) ?? await FindInOrganizationAsync(organizations, principal.OrganizationId, id, ct);
            return chosen is null ? new LineChoice(null, lines, Forbidden: true) : new LineChoice(chosen, lines, Forbidden: false);
        }

        return new LineChoice(lines.Count > 0 ? lines[0] : null, lines, Forbidden: false);
    }

    private static async Task<Line?> FindInOrganizationAsync(OrganizationStore organizations, long organizationId, long id, CancellationToken ct)
    {
        var line = await organizations.FindLineByIdAsync(id, ct);
        return line?.OrganizationId == organizationId ? line : null;
    }
}
