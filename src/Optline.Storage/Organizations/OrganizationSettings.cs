using Optline.Core.Consent;
using Optline.Core.Keywords;
using Optline.Core.Templates;

namespace Optline.Storage.Organizations;

/// <summary>
/// An organization's settings as stored (one JSON document per version). Templates carry the settings
/// version in which their text last changed, so every automated text records the version it used.
/// </summary>
public sealed record OrganizationSettings
{
    public bool SmsOptInRequired { get; init; } = true;

    public string OptOutScope { get; init; } = "line";

    public long RequestCooldownSeconds { get; init; } = 24 * 3600;

    public int MaxRequests { get; init; } = 3;

    public long RequestValiditySeconds { get; init; } = 30L * 24 * 3600;

    public long HeldMessageTtlSeconds { get; init; } = 7L * 24 * 3600;

    public string DefaultLanguage { get; init; } = DefaultTemplates.Language;

    /// <summary>Days the attestation record is kept; null keeps it forever (the default).</summary>
    public long? RetentionDays { get; init; }

    /// <summary>While on, no attestation record is removed, whatever the retention period.</summary>
    public bool LegalHold { get; init; }

    /// <summary>template id → language → text and version.</summary>
    public Dictionary<string, Dictionary<string, StoredTemplate>> Templates { get; init; } = [];

    /// <summary>stop|yes|start|help → language → extra words.</summary>
    public Dictionary<string, Dictionary<string, List<string>>> Keywords { get; init; } = [];

    public ConsentPolicy ToPolicy(long version)
    {
        var templates = new List<TemplateVersion>();
        foreach (var (id, languages) in Templates)
        {
            if (!TemplateIds.TryParse(id, out var templateId))
            {
                continue;
            }

            foreach (var (language, stored) in languages)
            {
                templates.Add(new TemplateVersion(templateId, language, (int)stored.Version, MessageTemplate.Parse(stored.Text)));
            }
        }

        var sets = KeywordSets.Defaults;
        foreach (var (intentName, languages) in Keywords)
        {
            if (!TryParseIntent(intentName, out var intent))
            {
                continue;
            }

            foreach (var (language, words) in languages)
            {
                if (words.Count > 0)
                {
                    sets = sets.WithExtra(intent, language, words);
                }
            }
        }

        VocabularyNames.TryParseScope(OptOutScope, out var scope);
        return new ConsentPolicy
        {
            SettingsVersion = (int)version,
            SmsOptInRequired = SmsOptInRequired,
            OptOutScope = scope,
            RequestCooldown = TimeSpan.FromSeconds(RequestCooldownSeconds),
            MaxRequests = MaxRequests,
            RequestValidity = TimeSpan.FromSeconds(RequestValiditySeconds),
            HeldMessageTtl = TimeSpan.FromSeconds(HeldMessageTtlSeconds),
            DefaultLanguage = DefaultLanguage,
            Templates = new TemplateSet(templates),
            Classifier = Keywords.Count == 0 ? KeywordClassifier.Default : new KeywordClassifier(sets),
        };
    }

    public static bool TryParseIntent(string name, out Intent intent)
    {
        switch (name)
        {
            case "stop":
                intent = Intent.Stop;
                return true;
            case "yes":
                intent = Intent.Yes;
                return true;
            case "start":
                intent = Intent.Start;
                return true;
            case "help":
                intent = Intent.Help;
                return true;
            default:
                intent = Intent.Other;
                return false;
        }
    }
}

public sealed record StoredTemplate(string Text, long Version);
