using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Optline.Core.Keywords;
using Optline.Server.Settings;
using Optline.Server.Web.Auth;
using Optline.Server.Web.Shared;
using Optline.Storage.Organizations;

namespace Optline.Server.Web.Portal;

/// <summary>One keyword set (STOP, YES, START, HELP): the built-in words and the organization's extra words per language.</summary>
public sealed record KeywordSetView(string Name, string Purpose, IReadOnlyDictionary<string, IReadOnlyList<string>> BuiltIn, IReadOnlyDictionary<string, List<string>> Extra);

/// <summary>
/// <c>/portal/keywords</c>: the words an organization adds to each set, per language. The STOP defaults can never be
/// removed; a word that is a STOP word cannot be added to another set. Saved through <see cref="SettingsPatch"/>.
/// </summary>
public sealed class KeywordsModel(OrganizationStore organizations) : PageModel
{
    private static readonly (string Name, Intent Intent, string Purpose)[] Sets =
    [
        ("stop", Intent.Stop, "Opts the contact out."),
        ("yes", Intent.Yes, "Accepts an opt-in request."),
        ("start", Intent.Start, "Opts a contact back in (like YES)."),
        ("help", Intent.Help, "Answers with the HELP text."),
    ];

    public IReadOnlyList<KeywordSetView> KeywordSets { get; private set; } = [];

    public Feedback? Result { get; private set; }

    public (string Key, string Words, string Message)? Error { get; private set; }

    public static string Key(string set, string language) => $"{set}-{language}";

    public static string Join(IEnumerable<string> words) => string.Join(", ", words);

    public async Task OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        Result = Feedback.Take(TempData);
    }

    /// <summary>Saves the extra words of one set and language; <paramref name="mode"/> "add" keeps the words already there.</summary>
    public async Task<IActionResult> OnPostSaveAsync(string? set, string? language, string? words, string? mode, CancellationToken ct)
    {
        var key = Key(set ?? string.Empty, language ?? string.Empty);
        if (string.IsNullOrWhiteSpace(set) || string.IsNullOrWhiteSpace(language))
        {
            return await FailAsync(key, words ?? string.Empty, "Choose a set and enter a language code such as en or es.", ct);
        }

        var organizationId = User.Principal().OrganizationId;
        var (_, current) = await organizations.GetSettingsAsync(organizationId, ct);
        var languageCode = language.Trim().ToLowerInvariant();
        var list = (words ?? string.Empty).Split([',', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        if (mode == "add" && current.Keywords.TryGetValue(set, out var sets) && sets.TryGetValue(languageCode, out var existing))
        {
            list = [.. existing.Union(list, StringComparer.OrdinalIgnoreCase)];
        }

        JsonNode? value = list.Count == 0 ? null : new JsonArray([.. list.Select(w => (JsonNode)JsonValue.Create(w))]);
        var patch = PatchJson.AsReceived(new JsonObject { ["keywords"] = new JsonObject { [set] = new JsonObject { [languageCode] = value } } });
        if (SettingsPatch.Validate(patch, current) is { } error)
        {
            return await FailAsync(key, words ?? string.Empty, PortalErrors.ForField(error), ct);
        }

        await organizations.UpdateSettingsAsync(organizationId, (s, next) => SettingsPatch.Apply(patch, s, next), "admin", ct);
        Feedback.Put(TempData, new Feedback(Feedback.Ok, list.Count == 0
            ? $"Removed the extra {set.ToUpperInvariant()} words in {language}."
            : $"Saved the extra {set.ToUpperInvariant()} words in {language}."));
        return Redirect("/portal/keywords");
    }

    private async Task<IActionResult> FailAsync(string key, string words, string message, CancellationToken ct)
    {
        await LoadAsync(ct);
        Error = (key, words, message);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var (_, settings) = await organizations.GetSettingsAsync(User.Principal().OrganizationId, ct);
        KeywordSets = [.. Sets.Select(s => new KeywordSetView(s.Name, s.Purpose, Core.Keywords.KeywordSets.Defaults.Words(s.Intent),
            settings.Keywords.TryGetValue(s.Name, out var extra) ? extra : []))];
    }
}
