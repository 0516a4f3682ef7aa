using Optline.Core.Keywords;

namespace Optline.Core.Tests.Keywords;

public class OptOutPhraseTests
{
    private static readonly KeywordClassifier Classifier = KeywordClassifier.Default;

    [Theory]
    [InlineData("Stop please")]
    [InlineData("please stop")]
    [InlineData("Stop!!! please")]
    [InlineData("STOP. Thank you.")]
    [InlineData("Ok stop")]
    [InlineData("stop now!")]
    [InlineData("Please, unsubscribe")]
    [InlineData("stop stop stop")]
    [InlineData("Stop, unsubscribe")]
    [InlineData("opt – out")]
    [InlineData("please unsubscribe me")]
    [InlineData("unsubscribe me")]
    [InlineData("stop texting me")]
    [InlineData("Stop texting me!!")]
    [InlineData("stop messaging me")]
    [InlineData("stop sending me messages")]
    [InlineData("stop sending messages to me")]
    [InlineData("stop contacting me")]
    [InlineData("stop calling and texting me")]
    [InlineData("Stop the texts")]
    [InlineData("stop these messages please")]
    [InlineData("stop it")]
    [InlineData("take me off your list")]
    [InlineData("take me off the list")]
    [InlineData("Take me off your mailing list please")]
    [InlineData("remove me")]
    [InlineData("Remove")]
    [InlineData("unsub")]
    [InlineData("unsubscribe from everything")]
    [InlineData("Unsubscribe from your mailing list")]
    [InlineData("Remove me.")]
    [InlineData("remove me from your list")]
    [InlineData("please remove my number")]
    [InlineData("delete my number from your contacts")]
    [InlineData("don't text me anymore")]
    [InlineData("Don’t text me anymore")]
    [InlineData("do not text me")]
    [InlineData("dont message me again")]
    [InlineData("do not send me any more messages")]
    [InlineData("don't contact me")]
    [InlineData("no more texts")]
    [InlineData("No more messages please")]
    [InlineData("leave me alone")]
    [InlineData("wrong number")]
    [InlineData("Sorry, wrong number")]
    [InlineData("you have the wrong number")]
    [InlineData("I think you have the wrong number")]
    [InlineData("I want to opt out")]
    [InlineData("I'd like to unsubscribe")]
    [InlineData("I want to stop receiving these messages")]
    [InlineData("opt me out")]
    [InlineData("cancel my subscription")]
    [InlineData("revoke my consent")]
    [InlineData("I didn't sign up for this")]
    [InlineData("I don't want these texts")]
    public void An_english_message_that_clearly_asks_to_stop_is_a_stop(string body)
    {
        var decision = Classifier.Classify(body);

        Assert.True(decision.Intent == Intent.Stop, $"'{body}' was {decision.Intent} ({decision.Rule})");
        Assert.StartsWith("phrase:", decision.Rule, StringComparison.Ordinal);
        Assert.False(decision.FlagForReview);
        Assert.Equal(KeywordClassifier.Version, decision.ClassifierVersion);
    }

    [Theory]
    [InlineData("no me envíes más mensajes", "es")]
    [InlineData("No me escribas más", "es")]
    [InlineData("deja de escribirme", "es")]
    [InlineData("ya no quiero recibir mensajes", "es")]
    [InlineData("quiero darme de baja", "es")]
    [InlineData("número equivocado", "es")]
    [InlineData("bórrame de la lista", "es")]
    [InlineData("Stop por favor", "en")]
    [InlineData("arrête de m'écrire", "fr")]
    [InlineData("Arrêtez de m’envoyer des messages", "fr")]
    [InlineData("ne m'écrivez plus", "fr")]
    [InlineData("désinscrivez-moi", "fr")]
    [InlineData("mauvais numéro", "fr")]
    [InlineData("Stop, merci", "en")]
    [InlineData("pare de me enviar mensagens", "pt")]
    [InlineData("número errado", "pt")]
    [InlineData("keine Nachrichten mehr", "de")]
    public void Spanish_french_portuguese_and_german_basics_are_a_stop(string body, string language)
    {
        var decision = Classifier.Classify(body);

        Assert.True(decision.Intent == Intent.Stop, $"'{body}' was {decision.Intent} ({decision.Rule})");
        Assert.Equal(language, decision.Language);
    }

    [Theory]
    [InlineData("Stop please", "phrase:stop-keyword")]
    [InlineData("stop texting me", "phrase:stop-contacting")]
    [InlineData("take me off your list", "phrase:take-me-off")]
    [InlineData("remove me", "phrase:remove-me")]
    [InlineData("don't text me anymore", "phrase:do-not-contact")]
    [InlineData("wrong number", "phrase:wrong-number")]
    [InlineData("I want to opt out", "phrase:want-out")]
    public void A_phrase_opt_out_records_which_phrase_matched(string body, string rule)
    {
        Assert.Equal(rule, Classifier.Classify(body).Rule);
    }

    [Theory]
    [InlineData("I'll stop by on Tuesday", "STOP")]
    [InlineData("Stop by my office tomorrow", "STOP")]
    [InlineData("Can you cancel my appointment?", "CANCEL")]
    [InlineData("Don't stop the payments", "STOP")]
    [InlineData("please don't stop", "STOP")]
    [InlineData("the end of the month", "END")]
    [InlineData("I want to cancel my appointment", "CANCEL")]
    [InlineData("stop sending me the invoice", "STOP")]
    [InlineData("I quit my job last week", "QUIT")]
    [InlineData("Please remove the old address from my file", "REMOVE")]
    [InlineData("Is this the wrong number?", "WRONG NUMBER")]
    [InlineData("How do I opt-out of the paper statements?", "OPT OUT")]
    [InlineData("yes stop", "STOP")]
    public void A_message_that_merely_contains_an_opt_out_word_is_other_and_flagged_for_review(string body, string word)
    {
        var decision = Classifier.Classify(body);

        Assert.Equal(new Classification(Intent.Other, $"contains:{word}", null, true, KeywordClassifier.Version), decision);
    }

    [Fact]
    public void A_long_message_that_asks_to_stop_among_other_things_is_flagged_not_an_opt_out()
    {
        const string body = "Hi John, thanks for the update about the meeting on Friday, it was useful, but please stop texting me on this number";

        var decision = Classifier.Classify(body);

        Assert.Equal(Intent.Other, decision.Intent);
        Assert.True(decision.FlagForReview);
        Assert.Equal("contains:STOP", decision.Rule);
    }

    [Fact]
    public void A_long_chatty_message_with_stop_in_it_is_other()
    {
        var body = string.Join(' ', Enumerable.Repeat("we could stop at the cafe on the way", 30));

        var decision = Classifier.Classify(body);

        Assert.Equal(Intent.Other, decision.Intent);
        Assert.True(decision.FlagForReview);
    }

    [Fact]
    public void Thirteen_words_are_never_a_phrase_opt_out()
    {
        var twelve = Classifier.Classify("please please please please please please please please please please please stop");
        var thirteen = Classifier.Classify("please please please please please please please please please please please please stop");

        Assert.Equal(Intent.Stop, twelve.Intent);
        Assert.Equal(Intent.Other, thirteen.Intent);
        Assert.True(thirteen.FlagForReview);
    }

    [Theory]
    [InlineData("Hello, how are you?")]
    [InlineData("Can we meet at 3pm?")]
    [InlineData("No thanks")]
    [InlineData("please")]
    [InlineData("thanks!")]
    [InlineData("No")]
    [InlineData("the weekend works")]
    [InlineData("Send me the documents")]
    [InlineData("take me out")]
    [InlineData("leave me a message")]
    public void An_ordinary_message_is_other_and_not_flagged(string body)
    {
        var decision = Classifier.Classify(body);

        Assert.Equal(new Classification(Intent.Other, "none", null, false, KeywordClassifier.Version), decision);
    }
}
