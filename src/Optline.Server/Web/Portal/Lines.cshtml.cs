using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Optline.Core.Phones;
using Optline.Server.Lines;
using Optline.Server.Web.Auth;
using Optline.Server.Web.Shared;
using Optline.Storage.Organizations;

namespace Optline.Server.Web.Portal;

/// <summary>A key just issued: shown in the response to the form that made it, once, and never stored in the browser.</summary>
public sealed record IssuedKey(Line Line, string ApiKey);

/// <summary><c>/portal/lines</c>: add a line, change the display name contacts see, issue a new key.</summary>
public sealed class LinesModel(OrganizationStore organizations) : PageModel
{
    public const int PageSize = 100;

    public IReadOnlyList<Line> Lines { get; private set; } = [];

    public long? Next { get; private set; }

    public IssuedKey? Issued { get; private set; }

    public Feedback? Result { get; private set; }

    public Dictionary<string, string> Errors { get; } = new(StringComparer.Ordinal);

    public string DraftNumber { get; private set; } = string.Empty;

    public string DraftName { get; private set; } = string.Empty;

    public async Task OnGetAsync(long? after, CancellationToken ct)
    {
        await LoadAsync(after, ct);
        Result = Feedback.Take(TempData);
    }

    public async Task<IActionResult> OnPostAddAsync(string? number, string? displayName, CancellationToken ct)
    {
        DraftNumber = number ?? string.Empty;
        DraftName = displayName ?? string.Empty;
        if (!PhoneNumbers.TryNormalize(number, out var normalized, out var numberError))
        {
            Errors["number"] = PhoneNumbers.Describe(numberError, number);
        }

        var name = displayName?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > LinesApi.MaxDisplayName)
        {
            Errors["displayName"] = $"Enter a display name of 1 to {LinesApi.MaxDisplayName} characters: contacts see it in opt-in requests.";
        }

        if (Errors.Count == 0)
        {
            var created = await organizations.CreateLineAsync(User.Principal().OrganizationId, normalized, name!, ct);
            if (created is { } result)
            {
                Issued = new IssuedKey(result.Line, result.ApiKey);
                DraftNumber = DraftName = string.Empty;
            }
            else
            {
                Errors["number"] = $"{normalized} is already a line.";
            }
        }

        return await ShowAsync(ct);
    }

    public async Task<IActionResult> OnPostRenameAsync(long id, string? displayName, CancellationToken ct)
    {
        var name = displayName?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > LinesApi.MaxDisplayName)
        {
            Errors[$"name-{id}"] = $"Enter a display name of 1 to {LinesApi.MaxDisplayName} characters.";
            return await ShowAsync(ct);
        }

        var line = await organizations.RenameLineAsync(User.Principal().OrganizationId, id, name, ct);
        if (line is null)
        {
            return NotFound();
        }

        Feedback.Put(TempData, new Feedback(Feedback.Ok, $"{line.Number} is now shown as “{line.DisplayName}”."));
        return Redirect("/portal/lines");
    }

    public async Task<IActionResult> OnPostIssueKeyAsync(long id, CancellationToken ct)
    {
        var organizationId = User.Principal().OrganizationId;
        var line = await organizations.FindLineByIdAsync(id, ct);
        if (line is null || line.OrganizationId != organizationId)
        {
            return NotFound();
        }

        Issued = new IssuedKey(line, await organizations.IssueKeyAsync(organizationId, id, ct));
        return await ShowAsync(ct);
    }

    private async Task<IActionResult> ShowAsync(CancellationToken ct)
    {
        // A page that shows a key must not be kept by the browser or any cache.
        Response.Headers.CacheControl = "no-store";
        await LoadAsync(null, ct);
        return Page();
    }

    private async Task LoadAsync(long? after, CancellationToken ct)
    {
        Lines = await organizations.ListLinesAsync(User.Principal().OrganizationId, after ?? 0, PageSize, ct);
        Next = Lines.Count == PageSize ? Lines[^1].Id : null;
    }
}
