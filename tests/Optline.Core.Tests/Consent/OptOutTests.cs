using Optline.Core.Consent;
using Optline.Core.Keywords;
using Optline.Core.Templates;

namespace Optline.Core.Tests.Consent;

/// <summary>
/// Opt-outs beyond the plain STOP (PRODUCT.md §3, §4): every STOP word, the reasonable-person phrases, the
/// carrier's opt-out (no confirmation: the carrier answers the contact itself), and what an opted-out contact may receive.
/// </summary>
public class OptOutTests
{
    [Theory]
    [InlineData("stop")]
    [InlineData("Stop.")]
    [InlineData("STOP ALL")]
    [InlineData("unsubscribe")]
    [InlineData("Cancel")]
    [InlineData("end")]
    [InlineData("QUIT")]
    [InlineData("opt-out")]
    [InlineData("Arrête")]
    [InlineData("baja")]
    [InlineData("SAIR")]
    [InlineData("Stopp")]
    public void Every_stop_word_opts_out_an_opted_in_contact(string body)
    {
        var scenario = Scenario.OptedIn();

        var stop = scenario.ContactSends(body);

        Assert.Equal(Intent.Stop, stop.Classification!.Intent);
        Assert.Equal([SeedTexts.OptOutConfirm], stop.ToContact);
        Assert.Equal([SeedTexts.OptOutNotice], stop.ToLine);
        Assert.Equal(ConsentState.OptedOut, stop.State);
    }

    [Theory]
    [InlineData("Stop please")]
    [InlineData("please unsubscribe me")]
    [InlineData("stop texting me")]
    [InlineData("take me off your list")]
    [InlineData("don't text me anymore")]
    [InlineData("remove me")]
    [InlineData("wrong number")]
    public void A_message_that_clearly_asks_to_stop_is_an_opt_out(string body)
    {
        var scenario = Scenario.OptedIn();

        var stop = scenario.ContactSends(body);

        Assert.Equal(ConsentState.OptedOut, stop.State);
        Assert.Equal([SeedTexts.OptOutConfirm], stop.ToContact);
        Assert.Equal([SeedTexts.OptOutNotice], stop.ToLine);
        Assert.Equal(stop.Classification!.Rule, stop.Transition!.Rule);
        Assert.Empty(stop.Of<FlagForReview>());
    }

    [Fact]
    public void A_phrase_opt_out_from_pending_cancels_the_held_message()
    {
        var scenario = Scenario.PendingByLine();

        var stop = scenario.ContactSends("Stop please");

        Assert.Equal([scenario.Turns[0].Message], stop.Cancelled);
        Assert.Equal(ConsentState.OptedOut, stop.State);
    }

    [Fact]
    public void The_contact_stop_message_itself_is_shown_to_the_line()
    {
        var scenario = Scenario.OptedIn();

        var stop = scenario.ContactSends("STOP");

        Assert.Equal(MessageStatus.Delivered, stop.Status);
        Assert.Equal([stop.Message], stop.InboundToLine);
    }

    [Theory]
    [InlineData(ConsentState.None)]
    [InlineData(ConsentState.Pending)]
    [InlineData(ConsentState.OptedIn)]
    public void A_carrier_opt_out_on_an_inbound_message_shows_the_notice_and_sends_no_confirmation(ConsentState state)
    {
        var scenario = Scenario.In(state);

        var stop = scenario.ContactSends("STOP", carrierOptOut: true);

        Assert.Empty(stop.ToContact);
        Assert.Equal([SeedTexts.OptOutNotice], stop.ToLine);
        Assert.Equal(ConsentState.OptedOut, stop.State);
        Assert.Equal(OptOutSource.Provider, scenario.Conversation.OptOut!.Source);
        Assert.Equal("provider", scenario.Conversation.OptOut.Source.Name());
    }

    [Fact]
    public void A_carrier_opt_out_is_taken_as_stop_whatever_the_body_says()
    {
        var scenario = Scenario.OptedIn();

        var stop = scenario.ContactSends("Arretez svp", carrierOptOut: true);

        Assert.Equal(new Classification(Intent.Stop, "carrier:OptOutType=STOP", null, false, KeywordClassifier.Version), stop.Classification);
        Assert.Equal(ConsentState.OptedOut, stop.State);
    }

    [Theory]
    [InlineData(ConsentState.None)]
    [InlineData(ConsentState.Pending)]
    [InlineData(ConsentState.OptedIn)]
    public void A_carrier_reported_opt_out_shows_the_notice_and_sends_no_confirmation(ConsentState state)
    {
        var scenario = Scenario.In(state);

        var reported = scenario.CarrierReportsOptOut("twilio:21610");

        Assert.Empty(reported.ToContact);
        Assert.Equal([SeedTexts.OptOutNotice], reported.ToLine);
        Assert.Equal(new ConsentChanged(state, ConsentState.OptedOut, "carrier_opt_out", "twilio:21610"), reported.Transition);
        Assert.Equal(new OptOutRecord(OptOutSource.Provider, "twilio:21610"), scenario.Conversation.OptOut);
        Assert.Single(reported.Of<CancelQueued>());
    }

    [Fact]
    public void A_carrier_reported_opt_out_in_pending_cancels_the_held_messages()
    {
        var scenario = Scenario.PendingByLine();

        var reported = scenario.CarrierReportsOptOut();

        Assert.Equal([scenario.Turns[0].Message], reported.Cancelled);
        Assert.Empty(scenario.Conversation.Held);
    }

    [Fact]
    public void A_second_stop_sends_no_second_confirmation()
    {
        var scenario = Scenario.OptedIn();

        scenario.ContactSends("STOP");
        scenario.Wait(TimeSpan.FromMinutes(1)).ContactSends("STOP");
        scenario.Wait(TimeSpan.FromMinutes(1)).ContactSends("unsubscribe");
        scenario.Wait(TimeSpan.FromMinutes(1)).CarrierReportsOptOut();

        Assert.Single(scenario.ContactReceived, SeedTexts.OptOutConfirm);
        Assert.Single(scenario.LineSaw, SeedTexts.OptOutNotice);
    }

    [Fact]
    public void Only_the_opt_out_confirmation_and_help_ever_reach_an_opted_out_contact_until_they_consent_again()
    {
        var scenario = Scenario.OptedIn();
        var receivedBefore = scenario.ContactReceived.Count;
        var optOutTurn = scenario.Turns.Count;

        scenario.ContactSends("STOP");
        scenario.Wait(TimeSpan.FromHours(1)).LineSends("Sorry to see you go");
        scenario.Wait(TimeSpan.FromDays(2)).ContactSends("HELP");
        scenario.Wait(TimeSpan.FromDays(2)).LineSends("Hello?");
        scenario.Wait(TimeSpan.FromDays(40)).TimePasses(TimeSpan.FromDays(1));
        scenario.LineSends("Hello again?");
        scenario.CarrierReportsOptOut();
        scenario.StaffRevokes();

        var sinceOptOut = scenario.Turns.Skip(optOutTurn).SelectMany(t => t.TemplatesToContact).ToList();
        Assert.Equal([TemplateId.OptOutConfirm, TemplateId.Help], sinceOptOut);
        Assert.Equal(receivedBefore + 2, scenario.ContactReceived.Count);
        Assert.All(scenario.Turns.Skip(optOutTurn), turn => Assert.Empty(turn.OutboundToContact));
    }
}
