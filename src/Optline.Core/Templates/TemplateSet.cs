namespace Optline.Core.Templates;

/// <summary>A template as an organization configured it: its text, language and version.</summary>
public sealed record TemplateVersion(TemplateId Id, string Language, int Version, MessageTemplate Template);

/// <summary>A text ready to send, with what produced it (for the attestation record).</summary>
public sealed record RenderedText(TemplateId Template, string Language, int Version, string Text);

/// <summary>
/// The templates of one organization: the seed defaults (version 0) overlaid with the organization's own
/// texts per template and language. Lookup falls back from the asked language to the default language, then to the seed.
/// </summary>
public sealed class TemplateSet
{
    public static readonly TemplateSet Defaults = new([]);

    private static readonly TemplateVersion[] Seed =
        [.. TemplateIds.All.Select(id => new TemplateVersion(id, DefaultTemplates.Language, 0, MessageTemplate.Parse(DefaultTemplates.Text(id))))];

    private readonly Dictionary<(TemplateId, string), TemplateVersion> _custom;

    public TemplateSet(IEnumerable<TemplateVersion> custom)
    {
        _custom = custom.ToDictionary(t => (t.Id, t.Language.ToLowerInvariant()));
    }

    public IEnumerable<TemplateVersion> Custom => _custom.Values;

    public TemplateVersion Find(TemplateId id, string language, string defaultLanguage)
    {
        if (_custom.Count == 0)
        {
            return Seed[(int)id];
        }

        language = language.ToLowerInvariant();
        defaultLanguage = defaultLanguage.ToLowerInvariant();
        if (_custom.TryGetValue((id, language), out var exact))
        {
            return exact;
        }

        if (_custom.TryGetValue((id, defaultLanguage), out var fallback))
        {
            return fallback;
        }

        return Seed[(int)id];
    }

    public RenderedText Render(TemplateId id, string language, string defaultLanguage, in TemplateValues values)
    {
        var version = Find(id, language, defaultLanguage);
        return new RenderedText(id, version.Language, version.Version, version.Template.Render(values));
    }
}
