using Optline.Core.Keywords;

namespace Optline.Core.Tests.Keywords;

public class TextNormalizerTests
{
    [Fact]
    public void Text_that_is_already_normal_is_returned_as_the_same_instance()
    {
        const string text = "STOP";
        Assert.Same(text, TextNormalizer.Normalize(text));
    }

    [Theory]
    [InlineData("stop", "STOP")]
    [InlineData("  Stop \t\n", "STOP")]
    [InlineData("STOP!!!", "STOP")]
    [InlineData("...yes?", "YES")]
    [InlineData("opt   out", "OPT OUT")]
    [InlineData("opt-out", "OPT-OUT")]
    [InlineData("don't", "DON'T")]
    [InlineData("Stop!!! please", "STOP!!! PLEASE")]
    [InlineData("(stop)", "STOP")]
    [InlineData("\"stop\"", "STOP")]
    [InlineData("s\u0000top", "STOP")]
    [InlineData("!!!", "")]
    [InlineData("", "")]
    [InlineData("   ", "")]
    public void Ascii_text_is_trimmed_collapsed_stripped_at_the_edges_and_upper_cased(string text, string expected)
    {
        Assert.Equal(expected, TextNormalizer.Normalize(text));
    }

    [Theory]
    [InlineData("«Oui»", "OUI")]
    [InlineData("¡Sí!", "SI")]
    [InlineData("¿sí?", "SI")]
    [InlineData("ARRÊT", "ARRET")]
    [InlineData("arrête", "ARRETE")]
    [InlineData("STÓP", "STOP")]
    [InlineData("Ｓｔｏｐ", "STOP")]
    [InlineData("ｙｅｓ", "YES")]
    [InlineData("S\u200BTOP", "STOP")]
    [InlineData("\uFEFFSTOP", "STOP")]
    [InlineData("ST\u00ADOP", "STOP")]
    [InlineData("STO\u2060P", "STOP")]
    [InlineData("S\u0301TOP", "STOP")]
    [InlineData("ye\u0301s\u0327", "YES")]
    [InlineData("don\u2019t", "DON'T")]
    [InlineData("don\u2018t", "DON'T")]
    [InlineData("don\u02BCt", "DON'T")]
    [InlineData("\u00A0stop\u3000", "STOP")]
    [InlineData("opt\u00A0\u2003 out", "OPT OUT")]
    [InlineData("stop\u2028please", "STOP PLEASE")]
    public void Unicode_text_is_folded_to_plain_upper_case_letters(string text, string expected)
    {
        Assert.Equal(expected, TextNormalizer.Normalize(text));
    }

    [Theory]
    [InlineData("🛑 STOP", "STOP")]
    [InlineData("YES 👍🏽", "YES")]
    [InlineData("✅ yes ✅", "YES")]
    [InlineData("yes ❤️", "YES")]
    [InlineData("👨‍👩‍👧 stop", "STOP")]
    [InlineData("stop 🇺🇸", "STOP")]
    [InlineData("1️⃣ stop #️⃣", "STOP")]
    [InlineData("stop 🏴󠁧󠁢󠁳󠁣󠁴󠁿", "STOP")]
    [InlineData("👍", "")]
    [InlineData("👍🏽 🙏", "")]
    public void Emoji_at_the_edges_are_removed(string text, string expected)
    {
        Assert.Equal(expected, TextNormalizer.Normalize(text));
    }

    [Fact]
    public void Lone_surrogates_are_dropped_instead_of_failing()
    {
        Assert.Equal("STOP", TextNormalizer.Normalize("\uD800stop\uDC00"));
    }

    [Fact]
    public void Interior_emoji_and_punctuation_stay()
    {
        Assert.Equal("STOP 🛑 NOW", TextNormalizer.Normalize("stop 🛑 now"));
    }
}
