using CsCheck;
using Optline.Core.Keywords;

namespace Optline.Core.Tests.Keywords;

public class ClassifierPropertyTests
{
    /// <summary>Any UTF-16 code unit, lone surrogates included.</summary>
    private static readonly Gen<char> AnyChar = Gen.Char[char.MinValue, char.MaxValue];

    /// <summary>Characters that exercise each normalization step, mixed with keywords and ordinary letters.</summary>
    private static readonly Gen<string> Piece = Gen.OneOf(
        Gen.OneOf("STOP", "stop", "yes", "Sí", "arrête", "ＳＴＯＰ", "opt-out", "don't", "please", "wrong number", "unsubscribe me", " ", "\t", "\n"),
        Gen.Char["\u200B\u200D\uFEFF\u00AD\u2060\uFE0F\u20E3\u0301\u0327\u00A0\u3000\u2019\u02BC«»!?.,'-#*1ß\u0345\u1FB3\u01F0\u0149\uFB01"].Select(c => c.ToString()),
        Gen.OneOf("🛑", "👍🏽", "✅", "❤️", "👨‍👩‍👧", "🇺🇸", "1️⃣", "🏴󠁧󠁢󠁳󠁣󠁴󠁿", "\uD83D", "\uDE00"),
        AnyChar.Select(c => c.ToString()),
        Gen.Int[0, 0x10FFFF].Where(cp => cp is < 0xD800 or > 0xDFFF).Select(char.ConvertFromUtf32));

    private static readonly Gen<string> MixedText = Piece.Array[0, 40].Select(pieces => string.Concat(pieces));

    private static readonly Gen<string> RandomUtf16 = AnyChar.Array[0, 200].Select(chars => new string(chars));

    private static readonly Gen<string> LongText = AnyChar.Array[10_000, 10_240].Select(chars => new string(chars));

    /// <summary>Failing samples shown as code points: most of them are invisible.</summary>
    private static string Escape(string text) => string.Join(' ', text.Select(c => ((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void Classify_never_throws_and_always_records_the_version_for_random_unicode()
    {
        Gen.OneOf(MixedText, RandomUtf16).Sample(body =>
        {
            var decision = KeywordClassifier.Default.Classify(body);
            Assert.Equal(KeywordClassifier.Version, decision.ClassifierVersion);
            Assert.False(string.IsNullOrEmpty(decision.Rule));
        }, iter: 20_000, print: Escape);
    }

    [Fact]
    public void Classify_never_throws_for_ten_kilobyte_messages()
    {
        LongText.Sample(body => Assert.Equal(Intent.Other, KeywordClassifier.Default.Classify(body).Intent), iter: 200, print: body => $"{body.Length} chars");
    }

    [Fact]
    public void Normalize_is_idempotent()
    {
        Gen.OneOf(MixedText, RandomUtf16).Sample(text =>
        {
            var once = TextNormalizer.Normalize(text);
            Assert.Equal(once, TextNormalizer.Normalize(once));
        }, iter: 20_000, print: Escape);
    }

    [Fact]
    public void Normalize_leaves_no_edge_whitespace_double_spaces_or_lower_case_ascii()
    {
        Gen.OneOf(MixedText, RandomUtf16).Sample(text =>
        {
            var normalized = TextNormalizer.Normalize(text);
            Assert.Equal(normalized.Trim(), normalized);
            Assert.DoesNotContain("  ", normalized, StringComparison.Ordinal);
            Assert.DoesNotContain(normalized, char.IsAsciiLetterLower);
        }, iter: 10_000, print: Escape);
    }

    [Fact]
    public void The_ascii_path_agrees_with_the_unicode_path()
    {
        // A non-ASCII character that normalization removes forces the Unicode path on the same text.
        Gen.Char['\0', '\u007F'].Array[0, 30].Select(chars => new string(chars)).Sample(text =>
        {
            Assert.Equal(TextNormalizer.Normalize(text), TextNormalizer.Normalize(text + "\u200B"));
        }, iter: 20_000, print: Escape);
    }
}
