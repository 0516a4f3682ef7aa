using Optline.Core.Consent;
using Optline.Core.Keywords;

namespace Optline.Core.Tests.Consent;

/// <summary>
/// PRODUCT.md §4 as the engine uses it: every decision on a contact's message records the rule that matched and the
/// classifier version; a message that merely contains an opt-out word is delivered and flagged, never an opt-out.
/// </summary>
public class ClassificationTests
{
    public static TheoryData<ConsentState, string> StatesAndBodies()
    {
        var data = new TheoryData<ConsentState, string>();
        foreach (var state in Enum.GetValues<ConsentState>())
        {
            foreach (var body in new[] { "STOP", "yes", "Start", "HELP", "See you at 3", "Stop please", "I'll stop by on Tuesday", "", "👍" })
            {
                data.Add(state, body);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(StatesAndBodies))]
    public void Every_contact_message_decision_records_the_rule_and_the_classifier_version(ConsentState state, string body)
    {
        var scenario = Scenario.In(state);

        var sent = scenario.ContactSends(body);

        Assert.NotNull(sent.Classification);
        Assert.False(string.IsNullOrWhiteSpace(sent.Classification.Rule));
        Assert.Equal(KeywordClassifier.Version, sent.Classification.ClassifierVersion);
        Assert.Equal(KeywordClassifier.Default.Classify(body), sent.Classification);
    }

    [Fact]
    public void The_rule_that_opted_the_contact_out_is_the_rule_of_the_transition()
    {
        var scenario = Scenario.OptedIn();

        var stop = scenario.ContactSends("please unsubscribe me");

        Assert.StartsWith("phrase:", stop.Classification!.Rule, StringComparison.Ordinal);
        Assert.Equal(stop.Classification.Rule, stop.Transition!.Rule);
        Assert.Equal(stop.Classification.Rule, scenario.Conversation.OptOut!.How);
    }

    [Fact]
    public void The_rule_that_opted_the_contact_in_is_the_rule_of_the_transition()
    {
        var scenario = Scenario.PendingByLine();

        var yes = scenario.ContactSends("Sí");

        Assert.Equal("keyword:yes:es:SI", yes.Transition!.Rule);
    }

    [Fact]
    public void A_message_that_merely_contains_stop_is_delivered_and_flagged_for_review_without_an_opt_out()
    {
        var scenario = Scenario.OptedIn();

        var sent = scenario.ContactSends("I'll stop by on Tuesday");

        Assert.Equal(Intent.Other, sent.Classification!.Intent);
        Assert.True(sent.Classification.FlagForReview);
        Assert.Equal(MessageStatus.Delivered, sent.Status);
        Assert.Equal([sent.Message], sent.InboundToLine);
        Assert.Equal([new FlagForReview(sent.Message, sent.Classification.Rule)], sent.Of<FlagForReview>());
        Assert.Null(sent.Transition);
        Assert.Empty(sent.ToContact);
        Assert.Empty(sent.ToLine);
        Assert.Equal(ConsentState.OptedIn, sent.State);
    }

    [Fact]
    public void A_flagged_message_in_pending_is_held_and_flagged()
    {
        var scenario = Scenario.PendingByLine();

        var sent = scenario.ContactSends("I'll stop by on Tuesday");

        Assert.Equal(MessageStatus.Held, sent.Status);
        Assert.Single(sent.Of<FlagForReview>());
        Assert.Equal(ConsentState.Pending, sent.State);
    }

    [Fact]
    public void Ordinary_chatter_is_not_flagged()
    {
        var scenario = Scenario.OptedIn();

        Assert.Empty(scenario.ContactSends("See you at 3").Of<FlagForReview>());
    }

    [Fact]
    public void Events_without_a_contact_message_carry_no_classification()
    {
        var scenario = Scenario.OptedIn();

        Assert.Null(scenario.LineSends().Classification);
        Assert.Null(scenario.TimePasses(TimeSpan.FromHours(1)).Classification);
        Assert.Null(scenario.CarrierReportsOptOut().Classification);
    }

    [Fact]
    public void Words_an_organization_added_are_honoured()
    {
        var sets = KeywordSets.Defaults.WithExtra(Intent.Yes, "en", ["ACCEPT"]).WithExtra(Intent.Stop, "en", ["NO MORE"]);
        var policy = ConsentPolicy.Default with { Classifier = new KeywordClassifier(sets) };
        var scenario = Scenario.PendingByLine(policy: policy);

        var yes = scenario.ContactSends("accept");
        var stop = scenario.ContactSends("No more!");

        Assert.Equal(ConsentState.OptedIn, yes.State);
        Assert.Equal(ConsentState.OptedOut, stop.State);
        Assert.Equal([SeedTexts.OptOutConfirm], stop.ToContact);
    }
}
