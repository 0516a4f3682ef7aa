using System.Collections.Frozen;
using System.Text;

namespace Optline.Core.Keywords;

/// <summary>
/// Decides what a contact's message asks for (PRODUCT.md §4). In order: an empty message (media only, only
/// emoji) is <see cref="Intent.Other"/>; a whole-message keyword (STOP before START, YES, HELP); a short
/// message that clearly asks to stop ("please stop", "take me off your list"); a message that merely contains
/// an opt-out word is <see cref="Intent.Other"/> flagged for review; anything else is <see cref="Intent.Other"/>.
/// Every decision carries the rule that matched and <see cref="Version"/>. Thread-safe.
/// </summary>
public sealed class KeywordClassifier
{
    public const string Version = "kw-2026.11.1";

    /// <summary>Messages with more words than this are conversation, never a phrase opt-out.</summary>
    public const int MaxPhraseWords = 12;

    /// <summary>Longest ASCII message normalized on the stack, so a keyword costs no allocation.</summary>
    private const int StackNormalizeLimit = 128;

    private static readonly Classification EmptyMessage = new(Intent.Other, "empty", null, false, Version);
    private static readonly Classification NoMatch = new(Intent.Other, "none", null, false, Version);

    /// <summary>Words that are not STOP keywords but make a message worth a look when it is not an opt-out.</summary>
    private static readonly string[] ReviewWords = ["REMOVE", "UNSUB", "OPT OUT", "WRONG NUMBER"];

    private static readonly Classification[] PhraseDecisions =
        [.. OptOutPhrases.All.Select(phrase => new Classification(Intent.Stop, $"phrase:{phrase.Name}", phrase.Language, false, Version))];

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> Courtesy =
        OptOutPhrases.CourtesyWords.GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> Cues =
        OptOutPhrases.Cues.GetAlternateLookup<ReadOnlySpan<char>>();

    private readonly FrozenDictionary<string, Classification>.AlternateLookup<ReadOnlySpan<char>> _keywords;
    private readonly FrozenDictionary<string, Classification>.AlternateLookup<ReadOnlySpan<char>> _stopKeywordWords;
    private readonly FrozenDictionary<string, Classification>.AlternateLookup<ReadOnlySpan<char>> _reviewWords;
    private readonly (string Words, Classification Decision)[] _reviewWordSequences;

    public static readonly KeywordClassifier Default = new(KeywordSets.Defaults);

    public KeywordClassifier(KeywordSets sets)
    {
        ArgumentNullException.ThrowIfNull(sets);
        Sets = sets;

        var keywords = new Dictionary<string, Classification>(StringComparer.Ordinal);
        var stopKeywordWords = new Dictionary<string, Classification>(StringComparer.Ordinal);
        var review = new Dictionary<string, Classification>(StringComparer.Ordinal);
        foreach (var intent in KeywordSets.Intents)
        {
            var intentName = intent.ToString().ToLowerInvariant();
            foreach (var (language, words) in sets.Words(intent))
            {
                foreach (var word in words)
                {
                    keywords.TryAdd(word, new Classification(intent, $"keyword:{intentName}:{language}:{word}", language, false, Version));
                    if (intent == Intent.Stop && MessageWords.Join(word) is { Length: > 0 } stopWords)
                    {
                        stopKeywordWords.TryAdd(stopWords, new Classification(Intent.Stop, "phrase:stop-keyword", language, false, Version));
                        review.TryAdd(stopWords, ReviewDecision(stopWords));
                    }
                }
            }
        }

        foreach (var word in ReviewWords)
        {
            review.TryAdd(word, ReviewDecision(word));
        }

        _keywords = keywords.ToFrozenDictionary(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
        _stopKeywordWords = stopKeywordWords.ToFrozenDictionary(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
        _reviewWords = review.Where(pair => !pair.Key.Contains(' ', StringComparison.Ordinal))
            .ToFrozenDictionary(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
        _reviewWordSequences = [.. review.Where(pair => pair.Key.Contains(' ', StringComparison.Ordinal)).Select(pair => (pair.Key, pair.Value))];
    }

    public KeywordSets Sets { get; }

    public Classification Classify(string? body)
    {
        if (string.IsNullOrEmpty(body))
        {
            return EmptyMessage;
        }

        string normalized;
        if (body.Length <= StackNormalizeLimit && Ascii.IsValid(body))
        {
            Span<char> buffer = stackalloc char[body.Length];
            var normalizedSpan = buffer[..TextNormalizer.NormalizeAscii(body, buffer)];
            if (normalizedSpan.IsEmpty)
            {
                return EmptyMessage;
            }

            if (_keywords.TryGetValue(normalizedSpan, out var keyword))
            {
                return keyword;
            }

            normalized = normalizedSpan.SequenceEqual(body) ? body : normalizedSpan.ToString();
        }
        else
        {
            normalized = TextNormalizer.Normalize(body);
            if (normalized.Length == 0)
            {
                return EmptyMessage;
            }

            if (_keywords.TryGetValue(normalized, out var keyword))
            {
                return keyword;
            }
        }

        var words = MessageWords.Join(normalized);
        return MatchPhrase(words) ?? FindReviewWord(words) ?? NoMatch;
    }

    private static Classification ReviewDecision(string words) => new(Intent.Other, $"contains:{words}", null, true, Version);

    private Classification? MatchPhrase(string words)
    {
        var text = words.AsSpan();
        Span<Range> ranges = stackalloc Range[MaxPhraseWords + 1];
        var count = text.Split(ranges, ' ');
        if (count == 0 || count > MaxPhraseWords)
        {
            return null;
        }

        var first = 0;
        var last = count - 1;
        for (int taken; first <= last && (taken = CourtesyWordsAt(text, ranges, first, last, fromStart: true)) > 0;)
        {
            first += taken;
        }

        for (int taken; first <= last && (taken = CourtesyWordsAt(text, ranges, first, last, fromStart: false)) > 0;)
        {
            last -= taken;
        }

        if (first > last)
        {
            return null;
        }

        var core = text[ranges[first].Start..ranges[last].End];
        if (_stopKeywordWords.TryGetValue(core, out var politeKeyword) || IsOnlyStopKeywords(text, ranges[first..(last + 1)], out politeKeyword))
        {
            return politeKeyword;
        }

        if (!HasCue(text, ranges[first..(last + 1)]))
        {
            return null;
        }

        for (var i = 0; i < OptOutPhrases.All.Count; i++)
        {
            if (OptOutPhrases.All[i].Pattern.IsMatch(core))
            {
                return PhraseDecisions[i];
            }
        }

        return null;
    }

    /// <summary>How many words (1 to 3) at one end of [first, last] form a courtesy phrase; 0 when none does.</summary>
    private static int CourtesyWordsAt(ReadOnlySpan<char> text, ReadOnlySpan<Range> ranges, int first, int last, bool fromStart)
    {
        for (var length = Math.Min(OptOutPhrases.LongestCourtesyWords, last - first + 1); length > 0; length--)
        {
            var candidate = fromStart
                ? text[ranges[first].Start..ranges[first + length - 1].End]
                : text[ranges[last - length + 1].Start..ranges[last].End];
            if (Courtesy.Contains(candidate))
            {
                return length;
            }
        }

        return 0;
    }

    /// <summary>"STOP STOP", "STOP, UNSUBSCRIBE": every word a STOP keyword.</summary>
    private bool IsOnlyStopKeywords(ReadOnlySpan<char> text, ReadOnlySpan<Range> ranges, out Classification? decision)
    {
        decision = null;
        if (ranges.Length < 2)
        {
            return false;
        }

        foreach (var range in ranges)
        {
            if (!_stopKeywordWords.TryGetValue(text[range], out var keyword))
            {
                decision = null;
                return false;
            }

            decision ??= keyword;
        }

        return true;
    }

    private static bool HasCue(ReadOnlySpan<char> text, ReadOnlySpan<Range> ranges)
    {
        foreach (var range in ranges)
        {
            if (Cues.Contains(text[range]))
            {
                return true;
            }
        }

        return false;
    }

    private Classification? FindReviewWord(string words)
    {
        foreach (var (sequence, decision) in _reviewWordSequences)
        {
            if (ContainsWordSequence(words, sequence))
            {
                return decision;
            }
        }

        var text = words.AsSpan();
        foreach (var range in text.Split(' '))
        {
            if (_reviewWords.TryGetValue(text[range], out var decision))
            {
                return decision;
            }
        }

        return null;
    }

    private static bool ContainsWordSequence(string words, string sequence)
    {
        for (var at = words.IndexOf(sequence, StringComparison.Ordinal); at >= 0; at = words.IndexOf(sequence, at + 1, StringComparison.Ordinal))
        {
            var end = at + sequence.Length;
            if ((at == 0 || words[at - 1] == ' ') && (end == words.Length || words[end] == ' '))
            {
                return true;
            }
        }

        return false;
    }
}
