using Optline.Core.Keywords;

namespace Optline.Core.Tests.Keywords;

public class KeywordTests
{
    private static readonly KeywordClassifier Classifier = KeywordClassifier.Default;

    /// <summary>PRODUCT.md §4, word for word, with the language each word is recorded under.</summary>
    public static TheoryData<Intent, string, string> SpecKeywords => new()
    {
        { Intent.Stop, "en", "STOP" }, { Intent.Stop, "en", "STOPALL" }, { Intent.Stop, "en", "STOP ALL" },
        { Intent.Stop, "en", "UNSUBSCRIBE" }, { Intent.Stop, "en", "CANCEL" }, { Intent.Stop, "en", "END" },
        { Intent.Stop, "en", "QUIT" }, { Intent.Stop, "en", "REVOKE" }, { Intent.Stop, "en", "OPTOUT" },
        { Intent.Stop, "en", "OPT OUT" }, { Intent.Stop, "en", "OPT-OUT" }, { Intent.Stop, "en", "HALT" },
        { Intent.Stop, "fr", "ARRET" }, { Intent.Stop, "fr", "ARRETE" },
        { Intent.Stop, "es", "PARAR" }, { Intent.Stop, "es", "DETENER" }, { Intent.Stop, "es", "BAJA" },
        { Intent.Stop, "es", "ALTO" }, { Intent.Stop, "es", "CANCELAR" },
        { Intent.Stop, "pt", "SAIR" }, { Intent.Stop, "de", "STOPP" },
        { Intent.Yes, "en", "YES" }, { Intent.Yes, "en", "Y" }, { Intent.Yes, "es", "SI" },
        { Intent.Yes, "fr", "OUI" }, { Intent.Yes, "pt", "SIM" }, { Intent.Yes, "de", "JA" },
        { Intent.Start, "en", "START" }, { Intent.Start, "en", "UNSTOP" },
        { Intent.Help, "en", "HELP" }, { Intent.Help, "en", "INFO" }, { Intent.Help, "fr", "AIDE" },
        { Intent.Help, "es", "AYUDA" },
    };

    public static TheoryData<Intent, string, string> EveryDefaultKeyword()
    {
        var data = new TheoryData<Intent, string, string>();
        foreach (var intent in KeywordSets.Intents)
        {
            foreach (var (language, words) in KeywordSets.Defaults.Words(intent))
            {
                foreach (var word in words)
                {
                    data.Add(intent, language, word);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SpecKeywords))]
    public void Every_keyword_of_the_spec_is_classified_with_its_intent_and_language(Intent intent, string language, string word)
    {
        var decision = Classifier.Classify(word);

        Assert.Equal(intent, decision.Intent);
        Assert.Equal(language, decision.Language);
        Assert.Equal($"keyword:{intent.ToString().ToLowerInvariant()}:{language}:{word}", decision.Rule);
        Assert.False(decision.FlagForReview);
        Assert.Equal(KeywordClassifier.Version, decision.ClassifierVersion);
    }

    [Theory]
    [MemberData(nameof(EveryDefaultKeyword))]
    public void Every_default_keyword_matches_in_lower_case_and_title_case_with_surrounding_whitespace(Intent intent, string language, string word)
    {
        string[] variants =
        [
            word.ToLowerInvariant(),
            char.ToUpperInvariant(word[0]) + word[1..].ToLowerInvariant(),
            $"  {word}  ",
            $"\t{word.ToLowerInvariant()}\r\n",
            $"\n\n{word}.",
            $"{word}!!!",
        ];

        foreach (var variant in variants)
        {
            var decision = Classifier.Classify(variant);
            Assert.True(intent == decision.Intent, $"'{variant}' was {decision.Intent} ({decision.Rule})");
            Assert.Equal(language, decision.Language);
        }
    }

    [Fact]
    public void The_default_sets_are_exactly_the_spec_sets()
    {
        var spec = SpecKeywords.Select(row => ((Intent)row[0], (string)row[2])).Order().ToArray();
        var defaults = EveryDefaultKeyword().Select(row => ((Intent)row[0], (string)row[2])).Distinct().Order().ToArray();

        Assert.Equal(spec, defaults);
    }

    [Theory]
    [InlineData("stop.", Intent.Stop)]
    [InlineData("Stop", Intent.Stop)]
    [InlineData("STOP!!!", Intent.Stop)]
    [InlineData("...yes?", Intent.Yes)]
    [InlineData("«Oui»", Intent.Yes)]
    [InlineData("¡Sí!", Intent.Yes)]
    [InlineData("Sí", Intent.Yes)]
    [InlineData("ARRÊT", Intent.Stop)]
    [InlineData("arrête", Intent.Stop)]
    [InlineData("STÓP", Intent.Stop)]
    [InlineData("ＳＴＯＰ", Intent.Stop)]
    [InlineData("ｙｅｓ", Intent.Yes)]
    [InlineData("S\u200BTOP", Intent.Stop)]
    [InlineData("\uFEFFSTOP", Intent.Stop)]
    [InlineData("STO\u200DP", Intent.Stop)]
    [InlineData("s\u0301top", Intent.Stop)]
    [InlineData("🛑 STOP", Intent.Stop)]
    [InlineData("YES 👍🏽", Intent.Yes)]
    [InlineData("✅ yes ✅", Intent.Yes)]
    [InlineData("🙏 help 🙏", Intent.Help)]
    [InlineData("opt\u00A0out", Intent.Stop)]
    [InlineData("Opt-Out", Intent.Stop)]
    [InlineData("Stop  All", Intent.Stop)]
    [InlineData("unstop!", Intent.Start)]
    [InlineData("  start\n", Intent.Start)]
    [InlineData("y", Intent.Yes)]
    [InlineData("Ja.", Intent.Yes)]
    [InlineData("ayuda?", Intent.Help)]
    public void Keywords_survive_case_punctuation_emoji_width_invisible_characters_and_accents(string body, Intent expected)
    {
        Assert.Equal(expected, Classifier.Classify(body).Intent);
    }

    [Fact]
    public void Stop_in_lower_case_with_trailing_punctuation_is_a_stop()
    {
        var decision = Classifier.Classify("stop!");

        Assert.Equal(new Classification(Intent.Stop, "keyword:stop:en:STOP", "en", false, KeywordClassifier.Version), decision);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\n\t")]
    [InlineData("👍")]
    [InlineData("👍🏽🙏❤️")]
    [InlineData("?!...")]
    [InlineData("\u200B\uFEFF")]
    public void A_message_without_text_is_other_by_the_empty_rule(string? body)
    {
        var decision = Classifier.Classify(body);

        Assert.Equal(Intent.Other, decision.Intent);
        Assert.Equal("empty", decision.Rule);
        Assert.False(decision.FlagForReview);
        Assert.Equal(KeywordClassifier.Version, decision.ClassifierVersion);
    }

    [Theory]
    [InlineData("yes please")]
    [InlineData("yes I agree")]
    [InlineData("start now")]
    [InlineData("help me")]
    [InlineData("yess")]
    [InlineData("Y E S")]
    [InlineData("hello")]
    public void Yes_start_and_help_match_the_whole_message_only(string body)
    {
        var decision = Classifier.Classify(body);

        Assert.Equal(Intent.Other, decision.Intent);
        Assert.Equal("none", decision.Rule);
        Assert.False(decision.FlagForReview);
    }

    [Theory]
    [InlineData("STOP")]
    [InlineData("yes")]
    [InlineData("please stop")]
    [InlineData("I'll stop by on Tuesday")]
    [InlineData("hello there")]
    [InlineData("")]
    [InlineData("Ｓｔｏｐ 🛑")]
    public void Every_decision_carries_the_classifier_version(string body)
    {
        Assert.Equal("kw-2026.11.1", Classifier.Classify(body).ClassifierVersion);
    }

    [Fact]
    public void A_keyword_decision_for_plain_ascii_does_not_allocate()
    {
        Classifier.Classify("Stop");
        Classifier.Classify("YES");

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            Classifier.Classify("Stop");
            Classifier.Classify("YES");
            Classifier.Classify(" yes! ");
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
