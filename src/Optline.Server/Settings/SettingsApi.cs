using System.Text.Json;
using System.Text.Json.Nodes;
using Optline.Core.Consent;
using Optline.Core.Templates;
using Optline.Server.Api;
using Optline.Storage.Conversations;
using Optline.Storage.Organizations;

namespace Optline.Server.Settings;

/// <summary><c>/api/v1/settings</c>: the organization's policy, read and changed with a JSON merge patch.</summary>
public static class SettingsApi
{
    public static RouteGroupBuilder MapSettings(this RouteGroupBuilder api)
    {
        var settings = api.MapGroup("/settings").WithTags("Settings");
        settings.MapGet("/", GetAsync);
        settings.MapPatch("/", PatchAsync).Accepts<JsonObject>("application/merge-patch+json", "application/json");
        return api;
    }

    public static object Describe(long version, OrganizationSettings s)
    {
        var templates = new Dictionary<string, Dictionary<string, string>>();
        foreach (var id in TemplateIds.All)
        {
            var byLanguage = new Dictionary<string, string> { [DefaultTemplates.Language] = DefaultTemplates.Text(id) };
            if (s.Templates.TryGetValue(id.Name(), out var custom))
            {
                foreach (var (language, stored) in custom)
                {
                    byLanguage[language] = stored.Text;
                }
            }

            templates[id.Name()] = byLanguage;
        }

        return new
        {
            version,
            smsOptInRequired = s.SmsOptInRequired,
            optOutScope = s.OptOutScope,
            requestCooldownSeconds = s.RequestCooldownSeconds,
            maxRequests = s.MaxRequests,
            requestValiditySeconds = s.RequestValiditySeconds,
            heldMessageTtlSeconds = s.HeldMessageTtlSeconds,
            defaultLanguage = s.DefaultLanguage,
            retentionDays = s.RetentionDays,
            legalHold = s.LegalHold,
            templates,
            keywords = new[] { "stop", "yes", "start", "help" }.ToDictionary(k => k, k => s.Keywords.TryGetValue(k, out var words) ? words : []),
        };
    }

    private static async Task<IResult> GetAsync(HttpContext http, OrganizationStore store, CancellationToken ct)
    {
        var principal = http.Principal();
        if (!principal.IsAdmin)
        {
            return Problems.Forbidden("Only an admin key can read the settings.");
        }

        var (version, settings) = await store.GetSettingsAsync(principal.OrganizationId, ct);
        return TypedResults.Ok(Describe(version, settings));
    }

    private static async Task<IResult> PatchAsync(HttpContext http, OrganizationStore store, SettingsChanges changes, CancellationToken ct)
    {
        var principal = http.Principal();
        if (!principal.IsAdmin)
        {
            return Problems.Forbidden("Only an admin key can change the settings.");
        }

        JsonObject? patch;
        try
        {
            patch = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: ct) as JsonObject;
        }
        catch (JsonException ex)
        {
            return Problems.Of(400, "malformed-json", "The body is not valid JSON.", ex.Message);
        }

        if (patch is null)
        {
            return Problems.Validation("The body must be a JSON object (a JSON merge patch of the settings).");
        }

        var (_, current) = await store.GetSettingsAsync(principal.OrganizationId, ct);
        if (SettingsPatch.Validate(patch, current) is { } error)
        {
            return Problems.Validation(error.Message, error.Field);
        }

        var (version, updated) = await store.UpdateSettingsAsync(principal.OrganizationId, (s, next) => SettingsPatch.Apply(patch, s, next), "admin", ct);
        if (current.SmsOptInRequired && !updated.SmsOptInRequired)
        {
            await changes.ReleaseHeldSmsAsync(principal.OrganizationId, ct);
        }

        return TypedResults.Ok(Describe(version, updated));
    }
}
