using Optline.Core.Consent;

namespace Optline.Core.Tests.Consent;

/// <summary>
/// PRODUCT.md §5: opt-in is per conversation; an opt-out reaches every channel of the line (or every line of
/// the organization), with the confirmation only on the channel it came in on.
/// </summary>
public class ScopeAndPropagationTests
{
    [Theory]
    [InlineData(OptOutScope.Line)]
    [InlineData(OptOutScope.Organization)]
    public void A_contact_opt_out_asks_the_shell_to_carry_it_across_the_policy_scope(OptOutScope scope)
    {
        var scenario = Scenario.OptedIn(policy: ConsentPolicy.Default with { OptOutScope = scope });

        var stop = scenario.ContactSends("STOP");

        Assert.Equal([new PropagateOptOut(scope)], stop.Of<PropagateOptOut>());
    }

    [Fact]
    public void Carrier_staff_and_review_opt_outs_are_carried_across_the_scope_too()
    {
        var policy = ConsentPolicy.Default with { OptOutScope = OptOutScope.Organization };

        var carrier = Scenario.OptedIn(policy: policy).CarrierReportsOptOut();
        var revoked = Scenario.OptedIn(policy: policy).StaffRevokes();
        var flagged = Scenario.OptedIn(policy: policy);
        var reviewed = flagged.ReviewedAsOptOut(flagged.ContactSends("I'll stop by on Tuesday").Message);

        Assert.All([carrier, revoked, reviewed], turn => Assert.Equal([new PropagateOptOut(OptOutScope.Organization)], turn.Of<PropagateOptOut>()));
    }

    [Fact]
    public void A_repeated_opt_out_is_not_carried_again()
    {
        var scenario = Scenario.OptedOut();

        Assert.Empty(scenario.ContactSends("STOP").Of<PropagateOptOut>());
    }

    [Theory]
    [InlineData(ConsentState.None)]
    [InlineData(ConsentState.Pending)]
    [InlineData(ConsentState.OptedIn)]
    public void An_opt_out_elsewhere_shows_the_notice_sends_no_confirmation_and_is_not_carried_further(ConsentState state)
    {
        var scenario = Scenario.In(state, Channel.WhatsApp);

        var elsewhere = scenario.OptedOutElsewhere("sms:+12015550100");

        Assert.Equal(ConsentState.OptedOut, elsewhere.State);
        Assert.Empty(elsewhere.ToContact);
        Assert.Equal([SeedTexts.OptOutNotice], elsewhere.ToLine);
        Assert.Empty(elsewhere.Of<PropagateOptOut>());
        Assert.Equal(new OptOutRecord(OptOutSource.Scope, "sms:+12015550100"), scenario.Conversation.OptOut);
    }

    [Fact]
    public void An_opt_out_elsewhere_cancels_the_held_messages_of_this_conversation()
    {
        var scenario = Scenario.PendingByLine(Channel.WhatsApp);

        var elsewhere = scenario.OptedOutElsewhere();

        Assert.Equal([scenario.Turns[0].Message], elsewhere.Cancelled);
        Assert.Single(elsewhere.Of<CancelQueued>());
    }

    [Fact]
    public void A_stop_on_sms_opts_the_contact_out_of_whatsapp_and_opting_in_again_on_sms_reopens_sms_only()
    {
        var sms = Scenario.OptedIn(Channel.Sms);
        var whatsApp = Scenario.OptedIn(Channel.WhatsApp);

        var stop = sms.ContactSends("STOP");
        foreach (var propagate in stop.Of<PropagateOptOut>())
        {
            Assert.Equal(OptOutScope.Line, propagate.Scope);
            whatsApp.OptedOutElsewhere("sms");
        }

        var back = sms.Wait(TimeSpan.FromDays(1)).ContactSends("START");

        Assert.Equal([SeedTexts.OptOutConfirm], stop.ToContact);
        Assert.Empty(whatsApp.Turns[^1].ToContact);
        Assert.Equal(ConsentState.OptedIn, back.State);
        Assert.Equal(ConsentState.OptedOut, whatsApp.State);
        Assert.Equal(MessageStatus.Queued, sms.LineSends().Status);
        Assert.Equal(MessageStatus.Blocked, whatsApp.LineSends().Status);
    }

    [Fact]
    public void Opting_in_on_one_channel_does_not_open_the_other()
    {
        var sms = Scenario.OptedIn(Channel.Sms);
        var whatsApp = new Scenario(Channel.WhatsApp);

        var sent = whatsApp.LineSends();

        Assert.Equal(ConsentState.OptedIn, sms.State);
        Assert.Equal(MessageStatus.Held, sent.Status);
        Assert.Equal([SeedTexts.LineRequest()], sent.ToContact);
    }

    [Fact]
    public void A_message_reviewed_as_an_opt_out_opts_out_with_the_confirmation_and_the_notice()
    {
        var scenario = Scenario.OptedIn();
        var flagged = scenario.ContactSends("I'll stop by on Tuesday");

        var reviewed = scenario.ReviewedAsOptOut(flagged.Message);

        Assert.Equal(ConsentState.OptedOut, reviewed.State);
        Assert.Equal([SeedTexts.OptOutConfirm], reviewed.ToContact);
        Assert.Equal([SeedTexts.OptOutNotice], reviewed.ToLine);
        Assert.Equal(new OptOutRecord(OptOutSource.Review, $"review:{flagged.Message}"), scenario.Conversation.OptOut);
    }

    [Fact]
    public void A_review_of_a_contact_who_already_opted_out_sends_no_second_confirmation()
    {
        var scenario = Scenario.OptedIn();
        var flagged = scenario.ContactSends("remove me from the meeting invite please, I can't make it");
        scenario.ContactSends("STOP");

        var reviewed = scenario.ReviewedAsOptOut(flagged.Message);

        Assert.Empty(reviewed.ToContact);
        Assert.Empty(reviewed.ToLine);
    }
}
