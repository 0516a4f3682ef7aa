using System.Buffers;
using System.Globalization;
using System.Text;

namespace Optline.Core.Keywords;

/// <summary>
/// Brings a message to the form keywords are compared in (PRODUCT.md §4): NFKC, format characters and
/// variation selectors removed, whitespace trimmed and collapsed to single spaces, leading and trailing
/// punctuation, symbols and emoji removed (interior punctuation stays: "OPT-OUT", "DON'T"), diacritics
/// removed, upper case. Typographic apostrophes become '.
/// </summary>
public static class TextNormalizer
{
    private const char CombiningEnclosingKeycap = '\u20E3';

    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Ascii.IsValid(text) ? NormalizeAscii(text) : NormalizeUnicode(text);
    }

    private static string NormalizeAscii(string text)
    {
        if (IsAlreadyNormalAscii(text))
        {
            return text;
        }

        char[]? rented = null;
        Span<char> buffer = text.Length <= 256 ? stackalloc char[text.Length] : (rented = ArrayPool<char>.Shared.Rent(text.Length));
        var written = NormalizeAscii(text, buffer);
        var result = written == 0 ? string.Empty : new string(buffer[..written]);
        if (rented is not null)
        {
            ArrayPool<char>.Shared.Return(rented);
        }

        return result;
    }

    /// <summary>
    /// The ASCII path without allocation: writes the normalized form of <paramref name="text"/> (which must be
    /// ASCII) into <paramref name="destination"/> (at least as long) and returns its length.
    /// </summary>
    internal static int NormalizeAscii(ReadOnlySpan<char> text, Span<char> destination)
    {
        var start = 0;
        while (start < text.Length && !char.IsAsciiLetterOrDigit(text[start]))
        {
            start++;
        }

        var end = text.Length - 1;
        while (end > start && !char.IsAsciiLetterOrDigit(text[end]))
        {
            end--;
        }

        var written = 0;
        var pendingSpace = false;
        for (var i = start; i <= end; i++)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                pendingSpace = true;
            }
            else if (!char.IsControl(c))
            {
                if (pendingSpace)
                {
                    destination[written++] = ' ';
                    pendingSpace = false;
                }

                destination[written++] = char.ToUpperInvariant(c);
            }
        }

        return written;
    }

    private static bool IsAlreadyNormalAscii(string text)
    {
        if (text.Length == 0)
        {
            return true;
        }

        if (!char.IsAsciiLetterOrDigit(text[0]) || !char.IsAsciiLetterOrDigit(text[^1]))
        {
            return false;
        }

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsAsciiLetterLower(c) || char.IsControl(c) || (char.IsWhiteSpace(c) && (c != ' ' || text[i - 1] == ' ')))
            {
                return false;
            }
        }

        return true;
    }

    private static string NormalizeUnicode(string text)
    {
        var decomposed = WithoutInvalidCodePoints(text).Normalize(NormalizationForm.FormKC).Normalize(NormalizationForm.FormD);
        var cleaned = StripMarksAndCollapseWhitespace(decomposed);
        var trimmed = TrimPunctuationSymbolsAndSpaces(cleaned);

        // Upper case last: case mapping of a letter that lost its diacritic must see the bare letter ("ǰ" → "J").
        return trimmed.Normalize(NormalizationForm.FormC).ToUpperInvariant();
    }

    /// <summary>
    /// Unpaired surrogates and noncharacters (U+FFFE, U+FDD0…) carry no text, and string.Normalize refuses some
    /// of them, so they go first.
    /// </summary>
    private static string WithoutInvalidCodePoints(string text)
    {
        var index = 0;
        while (index < text.Length && IsValidAt(text, index, out var consumed))
        {
            index += consumed;
        }

        if (index == text.Length)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        builder.Append(text, 0, index);
        while (index < text.Length)
        {
            var valid = IsValidAt(text, index, out var consumed);
            if (valid)
            {
                builder.Append(text, index, consumed);
            }

            index += consumed;
        }

        return builder.ToString();
    }

    private static bool IsValidAt(string text, int index, out int consumed)
    {
        var status = Rune.DecodeFromUtf16(text.AsSpan(index), out var rune, out consumed);
        return status == OperationStatus.Done && !IsNoncharacter(rune.Value);
    }

    private static bool IsNoncharacter(int codePoint) => codePoint is >= 0xFDD0 and <= 0xFDEF || (codePoint & 0xFFFE) == 0xFFFE;

    /// <summary>
    /// Drops nonspacing and enclosing marks (diacritics after NFD, variation selectors, keycap frames), format
    /// and control characters; maps typographic apostrophes to '; turns each whitespace run into one space.
    /// </summary>
    private static string StripMarksAndCollapseWhitespace(string text)
    {
        var output = new StringBuilder(text.Length);
        var pendingSpace = false;
        var index = 0;
        while (index < text.Length)
        {
            Rune.DecodeFromUtf16(text.AsSpan(index), out var rune, out var consumed);
            index += consumed;

            if (Rune.IsWhiteSpace(rune))
            {
                pendingSpace = true;
                continue;
            }

            if (rune.Value == CombiningEnclosingKeycap)
            {
                // A keycap ("1️⃣") is an emoji as a whole: its base character goes with the frame, and a space
                // before it waits for the next character like any other.
                if (output.Length > 0 && output[^1] is (>= '0' and <= '9') or '#' or '*')
                {
                    output.Length--;
                    if (output.Length > 0 && output[^1] == ' ')
                    {
                        output.Length--;
                        pendingSpace = true;
                    }
                }

                continue;
            }

            if (IsDropped(Rune.GetUnicodeCategory(rune)))
            {
                continue;
            }

            if (pendingSpace && output.Length > 0)
            {
                output.Append(' ');
            }

            pendingSpace = false;
            if (rune.Value is '\u2019' or '\u2018' or '\u02BC')
            {
                output.Append('\'');
            }
            else
            {
                output.Append(rune.ToString());
            }
        }

        return output.ToString();
    }

    private static bool IsDropped(UnicodeCategory category) => category is
        UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark or UnicodeCategory.Format
        or UnicodeCategory.Control or UnicodeCategory.Surrogate;

    private static string TrimPunctuationSymbolsAndSpaces(string text)
    {
        var span = text.AsSpan();
        while (!span.IsEmpty)
        {
            Rune.DecodeFromUtf16(span, out var first, out var consumed);
            if (!IsEdgeJunk(first))
            {
                break;
            }

            span = span[consumed..];
        }

        while (!span.IsEmpty)
        {
            Rune.DecodeLastFromUtf16(span, out var last, out var consumed);
            if (!IsEdgeJunk(last))
            {
                break;
            }

            span = span[..^consumed];
        }

        return span.Length == text.Length ? text : span.ToString();
    }

    /// <summary>Whitespace, punctuation and symbols; emoji are symbols (So, Sk for skin-tone modifiers).</summary>
    private static bool IsEdgeJunk(Rune rune) => Rune.IsWhiteSpace(rune) || Rune.GetUnicodeCategory(rune) is
        UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation or UnicodeCategory.OpenPunctuation
        or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
        or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation
        or UnicodeCategory.MathSymbol or UnicodeCategory.CurrencySymbol or UnicodeCategory.ModifierSymbol
        or UnicodeCategory.OtherSymbol;
}
