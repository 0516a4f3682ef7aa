using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Optline.Core.Templates;
using Optline.Server.Settings;
using Optline.Server.Web.Auth;
using Optline.Server.Web.Inbox;
using Optline.Server.Web.Shared;
using Optline.Storage.Organizations;

namespace Optline.Server.Web.Portal;

/// <summary>
/// <c>/portal/templates</c>: every automated text per template and language, with a live preview in a real line's name.
/// A text is parsed with <see cref="MessageTemplate.TryParse"/> and saved through <see cref="SettingsPatch"/>, as the API does.
/// </summary>
public sealed class TemplatesModel(OrganizationStore organizations) : PageModel
{
    public const string ExampleContact = "+12125550100";
    public const string ExampleUserName = "Alex Morgan";

    public IReadOnlyList<TemplateEntry> Templates { get; private set; } = [];

    public IReadOnlyList<Line> Lines { get; private set; } = [];

    public string OrganizationName { get; private set; } = string.Empty;

    public Feedback? Result { get; private set; }

    /// <summary>The form that failed (template id and language, or "add"), its text as typed, and why.</summary>
    public (string Key, string Text, string Message)? Error { get; private set; }

    public string PreviewName => Lines.Count > 0 ? Lines[0].DisplayName : ExampleUserName;

    public static string Key(string id, string language) => $"{id}-{language}";

    public string Preview(string text) =>
        MessageTemplate.TryParse(text, out var template, out _) ? template.Render(new TemplateValues(PreviewName, OrganizationName, ExampleContact)) : text;

    public async Task OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        Result = Feedback.Take(TempData);
    }

    public Task<IActionResult> OnPostSaveAsync(string? id, string? language, string? text, CancellationToken ct) =>
        SaveAsync(Key(id ?? string.Empty, language ?? string.Empty), id, language, text, ct);

    public Task<IActionResult> OnPostAddAsync(string? id, string? language, string? text, CancellationToken ct) =>
        SaveAsync("add", id, language?.Trim().ToLowerInvariant(), text, ct);

    public async Task<IActionResult> OnPostResetAsync(string? id, string? language, CancellationToken ct)
    {
        if (!TemplateIds.TryParse(id, out _) || string.IsNullOrWhiteSpace(language))
        {
            return BadRequest();
        }

        var patch = new JsonObject { ["templates"] = new JsonObject { [id!] = new JsonObject { [language] = null } } };
        return await ApplyAsync(patch, "add", string.Empty, $"{id} ({language}) is back to its default.", ct);
    }

    private async Task<IActionResult> SaveAsync(string key, string? id, string? language, string? text, CancellationToken ct)
    {
        if (!TemplateIds.TryParse(id, out _))
        {
            return await FailAsync(key, text ?? string.Empty, "Choose a template.", ct);
        }

        if (string.IsNullOrWhiteSpace(language))
        {
            return await FailAsync(key, text ?? string.Empty, "Enter a language code such as en or es.", ct);
        }

        if (!MessageTemplate.TryParse(text, out _, out var error))
        {
            return await FailAsync(key, text ?? string.Empty, error, ct);
        }

        var patch = new JsonObject { ["templates"] = new JsonObject { [id!] = new JsonObject { [language] = text } } };
        return await ApplyAsync(patch, key, text!, $"Saved {id} ({language}). The next automated message uses it.", ct);
    }

    private async Task<IActionResult> ApplyAsync(JsonObject patch, string key, string text, string success, CancellationToken ct)
    {
        patch = PatchJson.AsReceived(patch);
        var organizationId = User.Principal().OrganizationId;
        var (_, current) = await organizations.GetSettingsAsync(organizationId, ct);
        if (SettingsPatch.Validate(patch, current) is { } invalid)
        {
            return await FailAsync(key, text, PortalErrors.ForField(invalid), ct);
        }

        await organizations.UpdateSettingsAsync(organizationId, (s, next) => SettingsPatch.Apply(patch, s, next), "admin", ct);
        Feedback.Put(TempData, new Feedback(Feedback.Ok, success));
        return Redirect("/portal/templates");
    }

    private async Task<IActionResult> FailAsync(string key, string text, string message, CancellationToken ct)
    {
        await LoadAsync(ct);
        Error = (key, text, message);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var principal = User.Principal();
        var (_, settings) = await organizations.GetSettingsAsync(principal.OrganizationId, ct);
        Templates = TemplateCatalog.Of(settings);
        Lines = (await LineAccess.ResolveAsync(organizations, principal, null, ct)).Choices;
        OrganizationName = (await organizations.GetOrganizationAsync(principal.OrganizationId, ct))?.Name ?? string.Empty;
    }
}
