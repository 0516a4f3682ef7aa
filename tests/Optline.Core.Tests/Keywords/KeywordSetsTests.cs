using Optline.Core.Keywords;

namespace Optline.Core.Tests.Keywords;

public class KeywordSetsTests
{
    [Fact]
    public void An_extra_stop_word_added_for_a_language_is_a_stop_in_that_language()
    {
        var sets = KeywordSets.Defaults.WithExtra(Intent.Stop, "it", ["basta", "Fermati!"]);
        var classifier = new KeywordClassifier(sets);

        var basta = classifier.Classify("Basta");
        var fermati = classifier.Classify("fermati");

        Assert.Equal(new Classification(Intent.Stop, "keyword:stop:it:BASTA", "it", false, KeywordClassifier.Version), basta);
        Assert.Equal(Intent.Stop, fermati.Intent);
        Assert.Equal("it", fermati.Language);
    }

    [Theory]
    [InlineData(Intent.Yes, "Sure", "SURE")]
    [InlineData(Intent.Start, "Resume", "RESUME")]
    [InlineData(Intent.Help, "Hilfe", "HILFE")]
    public void An_extra_word_works_for_every_set(Intent intent, string word, string normalized)
    {
        var classifier = new KeywordClassifier(KeywordSets.Defaults.WithExtra(intent, "de", [word]));

        var decision = classifier.Classify(word.ToLowerInvariant());

        Assert.Equal(intent, decision.Intent);
        Assert.EndsWith($":de:{normalized}", decision.Rule, StringComparison.Ordinal);
    }

    [Fact]
    public void Extra_words_are_normalized_and_shown_per_language()
    {
        var sets = KeywordSets.Defaults
            .WithExtra(Intent.Stop, "EN", ["  Unsub  ", "stop now"])
            .WithExtra(Intent.Stop, "en", ["unsub", "Basta ya"]);

        Assert.Equal(["UNSUB", "STOP NOW", "BASTA YA"], sets.Extra(Intent.Stop)["en"]);
        Assert.Empty(sets.Extra(Intent.Yes));
        Assert.Contains("UNSUB", sets.Words(Intent.Stop)["en"]);
        Assert.Contains("STOP", sets.Words(Intent.Stop)["en"]);
    }

    [Fact]
    public void Adding_words_leaves_the_original_sets_unchanged()
    {
        var extended = KeywordSets.Defaults.WithExtra(Intent.Yes, "en", ["yep"]);

        Assert.Equal(Intent.Yes, new KeywordClassifier(extended).Classify("yep").Intent);
        Assert.Equal(Intent.Other, KeywordClassifier.Default.Classify("yep").Intent);
        Assert.Empty(KeywordSets.Defaults.Extra(Intent.Yes));
    }

    [Fact]
    public void A_stop_default_added_to_another_set_is_still_a_stop()
    {
        var sets = KeywordSets.Defaults
            .WithExtra(Intent.Yes, "en", ["stop", "cancel"])
            .WithExtra(Intent.Start, "en", ["end"])
            .WithExtra(Intent.Help, "es", ["baja"]);
        var classifier = new KeywordClassifier(sets);

        foreach (var word in new[] { "STOP", "cancel", "End", "baja" })
        {
            Assert.Equal(Intent.Stop, classifier.Classify(word).Intent);
        }
    }

    [Fact]
    public void Every_stop_default_remains_whatever_words_are_added()
    {
        var sets = KeywordSets.Defaults;
        foreach (var intent in KeywordSets.Intents)
        {
            sets = sets.WithExtra(intent, "en", KeywordSets.Defaults.Words(Intent.Stop).SelectMany(pair => pair.Value));
        }

        var classifier = new KeywordClassifier(sets);

        foreach (var word in KeywordSets.Defaults.Words(Intent.Stop).SelectMany(pair => pair.Value))
        {
            Assert.Equal(Intent.Stop, classifier.Classify(word).Intent);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("👍")]
    [InlineData("!!!")]
    public void An_extra_word_that_is_empty_once_normalized_is_refused(string word)
    {
        Assert.Throws<ArgumentException>(() => KeywordSets.Defaults.WithExtra(Intent.Stop, "en", [word]));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("en us")]
    public void An_extra_word_needs_a_language_tag(string language)
    {
        Assert.Throws<ArgumentException>(() => KeywordSets.Defaults.WithExtra(Intent.Stop, language, ["basta"]));
    }

    [Fact]
    public void Other_has_no_keyword_set()
    {
        Assert.ThrowsAny<ArgumentException>(() => KeywordSets.Defaults.WithExtra(Intent.Other, "en", ["hello"]));
    }

    [Fact]
    public void The_sets_cannot_be_changed_through_what_they_return()
    {
        var words = KeywordSets.Defaults.Words(Intent.Stop)["en"];

        Assert.False(words is string[]);
        Assert.Throws<NotSupportedException>(() => ((IList<string>)words).Clear());
    }

    [Fact]
    public void An_extra_multi_word_stop_phrase_is_a_stop_with_courtesy_words_too()
    {
        var classifier = new KeywordClassifier(KeywordSets.Defaults.WithExtra(Intent.Stop, "it", ["non scrivermi"]));

        Assert.Equal(Intent.Stop, classifier.Classify("Non scrivermi!").Intent);
        Assert.Equal(Intent.Stop, classifier.Classify("non scrivermi please").Intent);
    }
}
