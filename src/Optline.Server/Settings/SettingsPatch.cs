using System.Text.Json;
using System.Text.Json.Nodes;
using Optline.Core.Consent;
using Optline.Core.Keywords;
using Optline.Core.Templates;
using Optline.Storage.Organizations;

namespace Optline.Server.Settings;

public sealed record SettingsError(string Field, string Message);

/// <summary>A JSON merge patch (RFC 7396) of the settings: validated whole before anything changes.</summary>
public static class SettingsPatch
{
    private static readonly HashSet<string> Fields =
    [
        "smsOptInRequired", "optOutScope", "requestCooldownSeconds", "maxRequests", "requestValiditySeconds",
        "heldMessageTtlSeconds", "defaultLanguage", "templates", "keywords", "retentionDays", "legalHold",
    ];

    public static SettingsError? Validate(JsonObject patch, OrganizationSettings current)
    {
        foreach (var (name, value) in patch)
        {
            var error = name switch
            {
                _ when !Fields.Contains(name) => $"Unknown setting '{name}'. Known: {string.Join(", ", Fields)}.",
                "smsOptInRequired" => value?.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? null : "must be true or false.",
                "optOutScope" => value?.GetValueKind() == JsonValueKind.String && VocabularyNames.TryParseScope(value.GetValue<string>(), out _) ? null : "must be 'line' or 'organization'.",
                "requestCooldownSeconds" => Whole(value, 0, 365L * 24 * 3600),
                "maxRequests" => Whole(value, 1, 20),
                "requestValiditySeconds" => Whole(value, 60, 3650L * 24 * 3600),
                "heldMessageTtlSeconds" => Whole(value, 60, 365L * 24 * 3600),
                "defaultLanguage" => Language(value),
                "retentionDays" => value is null ? null : Whole(value, 1, 36500),
                "legalHold" => value?.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? null : "must be true or false.",
                "templates" => Templates(value),
                _ => Keywords(value),
            };
            if (error is not null)
            {
                return new SettingsError(name, error.StartsWith("Unknown", StringComparison.Ordinal) ? error : $"{name} {error}");
            }
        }

        return null;
    }

    public static OrganizationSettings Apply(JsonObject patch, OrganizationSettings s, long nextVersion)
    {
        var templates = s.Templates.ToDictionary(t => t.Key, t => new Dictionary<string, StoredTemplate>(t.Value));
        if (patch["templates"] is JsonObject templatePatch)
        {
            foreach (var (id, languages) in templatePatch)
            {
                if (languages is null)
                {
                    templates.Remove(id);
                    continue;
                }

                var byLanguage = templates.TryGetValue(id, out var existing) ? existing : templates[id] = [];
                foreach (var (language, text) in languages.AsObject())
                {
                    if (text is null)
                    {
                        byLanguage.Remove(language.ToLowerInvariant());
                    }
                    else if (!byLanguage.TryGetValue(language.ToLowerInvariant(), out var old) || old.Text != text.GetValue<string>())
                    {
                        byLanguage[language.ToLowerInvariant()] = new StoredTemplate(text.GetValue<string>(), nextVersion);
                    }
                }
            }
        }

        var keywords = s.Keywords.ToDictionary(k => k.Key, k => new Dictionary<string, List<string>>(k.Value));
        if (patch["keywords"] is JsonObject keywordPatch)
        {
            foreach (var (intent, languages) in keywordPatch)
            {
                if (languages is null)
                {
                    keywords.Remove(intent);
                    continue;
                }

                var byLanguage = keywords.TryGetValue(intent, out var existing) ? existing : keywords[intent] = [];
                foreach (var (language, words) in languages.AsObject())
                {
                    if (words is null)
                    {
                        byLanguage.Remove(language.ToLowerInvariant());
                    }
                    else
                    {
                        byLanguage[language.ToLowerInvariant()] = [.. words.AsArray().Select(w => w!.GetValue<string>().Trim())];
                    }
                }
            }
        }

        return s with
        {
            SmsOptInRequired = patch["smsOptInRequired"]?.GetValue<bool>() ?? s.SmsOptInRequired,
            OptOutScope = patch["optOutScope"]?.GetValue<string>() ?? s.OptOutScope,
            RequestCooldownSeconds = patch["requestCooldownSeconds"]?.GetValue<long>() ?? s.RequestCooldownSeconds,
            MaxRequests = patch["maxRequests"] is { } maxRequests ? (int)maxRequests.GetValue<long>() : s.MaxRequests,
            RequestValiditySeconds = patch["requestValiditySeconds"]?.GetValue<long>() ?? s.RequestValiditySeconds,
            HeldMessageTtlSeconds = patch["heldMessageTtlSeconds"]?.GetValue<long>() ?? s.HeldMessageTtlSeconds,
            DefaultLanguage = patch["defaultLanguage"]?.GetValue<string>().ToLowerInvariant() ?? s.DefaultLanguage,
            RetentionDays = patch.ContainsKey("retentionDays") ? patch["retentionDays"]?.GetValue<long>() : s.RetentionDays,
            LegalHold = patch["legalHold"]?.GetValue<bool>() ?? s.LegalHold,
            Templates = templates,
            Keywords = keywords,
        };
    }

    private static string? Whole(JsonNode? value, long min, long max) =>
        value?.GetValueKind() == JsonValueKind.Number && value.AsValue().TryGetValue<long>(out var n) && n >= min && n <= max
            ? null
            : $"must be a whole number from {min} to {max}.";

    private static string? Language(JsonNode? value) =>
        value?.GetValueKind() == JsonValueKind.String && IsLanguage(value.GetValue<string>()) ? null : "must be a language code such as 'en' or 'es'.";

    private static bool IsLanguage(string code) =>
        code.Length is >= 2 and <= 10 && code.All(c => char.IsAsciiLetter(c) || c is '-' or '_');

    private static string? Templates(JsonNode? value)
    {
        if (value is not JsonObject templates)
        {
            return "must be an object: {templateId: {language: text}}.";
        }

        foreach (var (id, languages) in templates)
        {
            if (!TemplateIds.TryParse(id, out _))
            {
                return $"has an unknown template id '{id}'. Known: {string.Join(", ", TemplateIds.All.Select(t => t.Name()))}.";
            }

            if (languages is null)
            {
                continue;
            }

            if (languages is not JsonObject byLanguage)
            {
                return $"'{id}' must be an object: {{language: text}}.";
            }

            foreach (var (language, text) in byLanguage)
            {
                if (!IsLanguage(language))
                {
                    return $"'{id}' has an invalid language code '{language}'.";
                }

                if (text is null)
                {
                    continue;
                }

                if (text.GetValueKind() != JsonValueKind.String)
                {
                    return $"'{id}.{language}' must be a text.";
                }

                if (!MessageTemplate.TryParse(text.GetValue<string>(), out _, out var error))
                {
                    return $"'{id}.{language}': {error}";
                }
            }
        }

        return null;
    }

    private static string? Keywords(JsonNode? value)
    {
        if (value is not JsonObject keywords)
        {
            return "must be an object: {stop|yes|start|help: {language: [words]}}.";
        }

        foreach (var (intent, languages) in keywords)
        {
            if (!OrganizationSettings.TryParseIntent(intent, out var parsed))
            {
                return $"has an unknown set '{intent}'. Known: stop, yes, start, help.";
            }

            if (languages is null)
            {
                continue;
            }

            if (languages is not JsonObject byLanguage)
            {
                return $"'{intent}' must be an object: {{language: [words]}}.";
            }

            foreach (var (language, words) in byLanguage)
            {
                if (!IsLanguage(language))
                {
                    return $"'{intent}' has an invalid language code '{language}'.";
                }

                if (words is null)
                {
                    continue;
                }

                if (words is not JsonArray list || list.Any(w => w?.GetValueKind() != JsonValueKind.String || TextNormalizer.Normalize(w.GetValue<string>()).Length == 0))
                {
                    return $"'{intent}.{language}' must be a list of non-empty words.";
                }

                if (parsed != Intent.Stop && list.Any(w => KeywordClassifier.Default.Classify(w!.GetValue<string>()).Intent == Intent.Stop))
                {
                    return $"'{intent}.{language}' contains a STOP word; the STOP defaults cannot be removed or reused.";
                }
            }
        }

        return null;
    }
}
