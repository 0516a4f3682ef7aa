using System.Globalization;
using System.Text;

namespace Optline.Core.Keywords;

/// <summary>
/// The words of a normalized message joined by single spaces: punctuation and symbols separate words
/// ("STOP!!! PLEASE" → "STOP PLEASE", "OPT-OUT" → "OPT OUT"); an apostrophe inside a word stays ("DON'T").
/// </summary>
internal static class MessageWords
{
    public static string Join(string normalized)
    {
        if (IsPlainWords(normalized))
        {
            return normalized;
        }

        var output = new StringBuilder(normalized.Length);
        var wordStart = -1;
        var index = 0;
        while (index < normalized.Length)
        {
            Rune.DecodeFromUtf16(normalized.AsSpan(index), out var rune, out var consumed);
            if (IsSeparator(rune))
            {
                AppendWord(output, normalized, wordStart, index);
                wordStart = -1;
            }
            else if (wordStart < 0)
            {
                wordStart = index;
            }

            index += consumed;
        }

        AppendWord(output, normalized, wordStart, normalized.Length);
        return output.ToString();
    }

    private static void AppendWord(StringBuilder output, string text, int start, int end)
    {
        if (start < 0)
        {
            return;
        }

        var word = text.AsSpan(start, end - start).Trim('\'');
        if (word.IsEmpty)
        {
            return;
        }

        if (output.Length > 0)
        {
            output.Append(' ');
        }

        output.Append(word);
    }

    private static bool IsPlainWords(string text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != ' ')
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsSeparator(Rune rune) => rune.Value != '\'' && (Rune.IsWhiteSpace(rune) || Rune.GetUnicodeCategory(rune) is
        UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation or UnicodeCategory.OpenPunctuation
        or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
        or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation
        or UnicodeCategory.MathSymbol or UnicodeCategory.CurrencySymbol or UnicodeCategory.ModifierSymbol
        or UnicodeCategory.OtherSymbol);
}
