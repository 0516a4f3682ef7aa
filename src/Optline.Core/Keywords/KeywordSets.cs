namespace Optline.Core.Keywords;

/// <summary>
/// The whole-message keyword sets (PRODUCT.md §4), per intent and language, in normalized form: the defaults
/// plus the words an organization added. There is deliberately no way to remove a word: an organization can
/// extend the sets but never lose a STOP default.
/// </summary>
public sealed class KeywordSets
{
    /// <summary>The intents that have keyword sets, in the order a word found in two sets is decided (STOP wins).</summary>
    public static IReadOnlyList<Intent> Intents { get; } = [Intent.Stop, Intent.Start, Intent.Yes, Intent.Help];

    public static KeywordSets Defaults { get; } = new(DefaultWords(), EmptyExtras());

    private readonly Dictionary<Intent, IReadOnlyDictionary<string, IReadOnlyList<string>>> _defaults;
    private readonly Dictionary<Intent, IReadOnlyDictionary<string, IReadOnlyList<string>>> _extra;

    private KeywordSets(
        Dictionary<Intent, IReadOnlyDictionary<string, IReadOnlyList<string>>> defaults,
        Dictionary<Intent, IReadOnlyDictionary<string, IReadOnlyList<string>>> extra)
    {
        _defaults = defaults;
        _extra = extra;
    }

    /// <summary>Every word of the set, defaults first, by language.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Words(Intent intent)
    {
        var merged = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (language, words) in _defaults[SetOf(intent)])
        {
            merged[language] = words;
        }

        foreach (var (language, words) in _extra[intent])
        {
            merged[language] = merged.TryGetValue(language, out var defaults) ? defaults.Union(words, StringComparer.Ordinal).ToList().AsReadOnly() : words;
        }

        return merged.AsReadOnly();
    }

    /// <summary>Only the words the organization added, by language (what its settings show).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Extra(Intent intent) => _extra[SetOf(intent)];

    /// <summary>
    /// A copy with <paramref name="words"/> added to the set of <paramref name="intent"/> for
    /// <paramref name="language"/>. Words are normalized as messages are; a word that normalizes to nothing is refused.
    /// </summary>
    public KeywordSets WithExtra(Intent intent, string language, IEnumerable<string> words)
    {
        ArgumentNullException.ThrowIfNull(words);
        intent = SetOf(intent);
        var languageKey = NormalizeLanguage(language);

        var added = new List<string>();
        foreach (var word in words)
        {
            var normalized = word is null ? string.Empty : TextNormalizer.Normalize(word);
            if (normalized.Length == 0)
            {
                throw new ArgumentException($"The keyword '{word}' is empty once normalized; a keyword needs letters or digits.", nameof(words));
            }

            added.Add(normalized);
        }

        var extra = new Dictionary<Intent, IReadOnlyDictionary<string, IReadOnlyList<string>>>(_extra);
        var byLanguage = new Dictionary<string, IReadOnlyList<string>>(extra[intent], StringComparer.Ordinal);
        var existing = byLanguage.TryGetValue(languageKey, out var current) ? current : [];
        byLanguage[languageKey] = existing.Union(added, StringComparer.Ordinal).ToList().AsReadOnly();
        extra[intent] = byLanguage.AsReadOnly();
        return new KeywordSets(_defaults, extra);
    }

    private static Intent SetOf(Intent intent) => intent is Intent.Other || !Enum.IsDefined(intent)
        ? throw new ArgumentOutOfRangeException(nameof(intent), intent, "Only STOP, YES, START and HELP have keyword sets.")
        : intent;

    private static string NormalizeLanguage(string language)
    {
        ArgumentNullException.ThrowIfNull(language);
        var trimmed = language.Trim();
        if (trimmed.Length == 0 || trimmed.Length > 35 || !trimmed.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
        {
            throw new ArgumentException($"'{language}' is not a language tag (such as 'en' or 'pt-BR').", nameof(language));
        }

        return trimmed.ToLowerInvariant();
    }

    private static Dictionary<Intent, IReadOnlyDictionary<string, IReadOnlyList<string>>> DefaultWords() => new()
    {
        [Intent.Stop] = Languages(
            ("en", ["STOP", "STOPALL", "STOP ALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT", "OPT OUT", "OPT-OUT", "HALT"]),
            ("fr", ["ARRET", "ARRETE"]),
            ("es", ["PARAR", "DETENER", "BAJA", "ALTO", "CANCELAR"]),
            ("pt", ["SAIR"]),
            ("de", ["STOPP"])),
        [Intent.Start] = Languages(("en", ["START", "UNSTOP"])),
        [Intent.Yes] = Languages(("en", ["YES", "Y"]), ("es", ["SI"]), ("fr", ["OUI"]), ("pt", ["SIM"]), ("de", ["JA"])),
        [Intent.Help] = Languages(("en", ["HELP", "INFO"]), ("fr", ["AIDE"]), ("es", ["AYUDA"])),
    };

    private static Dictionary<Intent, IReadOnlyDictionary<string, IReadOnlyList<string>>> EmptyExtras() =>
        Intents.ToDictionary(intent => intent, _ => (IReadOnlyDictionary<string, IReadOnlyList<string>>)new Dictionary<string, IReadOnlyList<string>>().AsReadOnly());

    private static IReadOnlyDictionary<string, IReadOnlyList<string>> Languages(params (string Language, string[] Words)[] sets) =>
        sets.ToDictionary(set => set.Language, set => (IReadOnlyList<string>)set.Words.AsReadOnly(), StringComparer.Ordinal).AsReadOnly();
}
