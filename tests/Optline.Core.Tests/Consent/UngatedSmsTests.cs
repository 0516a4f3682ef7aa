using Optline.Core.Consent;

namespace Optline.Core.Tests.Consent;

/// <summary>
/// PRODUCT.md §2: SMS with <c>smsOptInRequired</c> off flows freely, but a STOP always works, an opted-out
/// contact must consent again, and turning opt-in off changes no consent state while releasing what SMS held.
/// WhatsApp is always gated.
/// </summary>
public class UngatedSmsTests
{
    private static readonly ConsentPolicy Ungated = ConsentPolicy.Default with { SmsOptInRequired = false };

    [Fact]
    public void Line_message_is_queued_without_any_request()
    {
        var scenario = new Scenario(Channel.Sms, Ungated);

        var sent = scenario.LineSends();

        Assert.Equal(MessageStatus.Queued, sent.Status);
        Assert.Equal([new QueueForContact(sent.Message)], sent.Effects);
        Assert.Empty(sent.ToContact);
        Assert.Empty(sent.ToLine);
        Assert.Equal(ConsentState.None, sent.State);
    }

    [Fact]
    public void Contact_message_is_delivered_without_any_request()
    {
        var scenario = new Scenario(Channel.Sms, Ungated);

        var sent = scenario.ContactSends("Hi Alex, quick question");

        Assert.Equal(MessageStatus.Delivered, sent.Status);
        Assert.Equal([sent.Message], sent.InboundToLine);
        Assert.Empty(sent.ToContact);
        Assert.Equal(ConsentState.None, sent.State);
    }

    [Fact]
    public void Stop_is_still_honoured()
    {
        var scenario = new Scenario(Channel.Sms, Ungated);
        scenario.LineSends();

        var stop = scenario.ContactSends("STOP");

        Assert.Equal([SeedTexts.OptOutConfirm], stop.ToContact);
        Assert.Equal([SeedTexts.OptOutNotice], stop.ToLine);
        Assert.Equal(ConsentState.OptedOut, stop.State);
        Assert.Single(stop.Of<CancelQueued>());
    }

    [Fact]
    public void Line_message_to_an_opted_out_contact_is_blocked()
    {
        var scenario = new Scenario(Channel.Sms, Ungated);
        scenario.ContactSends("STOP");

        var sent = scenario.LineSends();

        Assert.Equal(new MessageOutcome(MessageStatus.Blocked, BlockReason.OptedOut), sent.Decision.Outcome);
        Assert.Equal([SeedTexts.OptOutNotice], sent.ToLine);
        Assert.Empty(sent.ToContact);
        Assert.Empty(sent.OutboundToContact);
    }

    [Fact]
    public void Opted_out_contact_writing_again_gets_the_contact_request_and_line_messages_are_held_not_queued_meanwhile()
    {
        var scenario = new Scenario(Channel.Sms, Ungated);
        scenario.ContactSends("STOP");

        var again = scenario.Wait(TimeSpan.FromDays(3)).ContactSends("Hi, it's me again, can we talk?");
        var fromLine = scenario.Wait(TimeSpan.FromMinutes(5)).LineSends("Of course!");

        Assert.Equal([SeedTexts.ContactRequest()], again.ToContact);
        Assert.Equal([SeedTexts.ContactPendingNotice], again.ToLine);
        Assert.Equal(MessageStatus.Held, again.Status);
        Assert.Empty(again.InboundToLine);
        Assert.Equal(ConsentState.Pending, again.State);
        Assert.True(scenario.Conversation.Request!.AfterOptOut);
        Assert.Equal(MessageStatus.Held, fromLine.Status);
        Assert.Empty(fromLine.OutboundToContact);
    }

    [Fact]
    public void Opted_out_contact_writing_again_flows_freely_once_they_say_yes()
    {
        var scenario = new Scenario(Channel.Sms, Ungated);
        scenario.ContactSends("STOP");
        var again = scenario.ContactSends("Hello?");
        var fromLine = scenario.LineSends("Hi!");

        var yes = scenario.ContactSends("YES");
        var after = scenario.LineSends("Thanks");

        Assert.Equal([SeedTexts.ContactOptedInConfirm], yes.ToContact);
        Assert.Equal([SeedTexts.ContactOptedInNotice], yes.ToLine);
        Assert.Equal([again.Message, fromLine.Message], yes.Released);
        Assert.Equal(MessageStatus.Queued, after.Status);
    }

    [Fact]
    public void Other_messages_of_an_opted_out_contact_still_pending_stay_held()
    {
        var scenario = new Scenario(Channel.Sms, Ungated);
        scenario.ContactSends("STOP");
        scenario.ContactSends("Hello?");

        var more = scenario.ContactSends("Anyone there?");

        Assert.Equal(MessageStatus.Held, more.Status);
        Assert.Empty(more.InboundToLine);
    }

    [Fact]
    public void Opted_out_contact_replying_yes_opts_in_directly()
    {
        var scenario = new Scenario(Channel.Sms, Ungated);
        scenario.ContactSends("STOP");

        var yes = scenario.ContactSends("YES");

        Assert.Equal([SeedTexts.ContactOptedInConfirm], yes.ToContact);
        Assert.Equal(ConsentState.OptedIn, yes.State);
    }

    [Fact]
    public void Turning_opt_in_off_releases_the_held_sms_messages_both_ways_in_order_and_changes_no_consent_state()
    {
        var scenario = Scenario.PendingByLine();
        var contact = scenario.ContactSends("who is this?");
        var line = scenario.LineSends("It's Alex, your adviser.");
        var before = scenario.Conversation;

        var lifted = scenario.OptInRequirementLifted();

        Assert.Equal(
            [new Release(scenario.Turns[0].Message, Direction.Outbound), new Release(contact.Message, Direction.Inbound), new Release(line.Message, Direction.Outbound)],
            lifted.Of<Release>());
        Assert.Null(lifted.Transition);
        Assert.Empty(lifted.ToContact);
        Assert.Empty(lifted.ToLine);
        Assert.Empty(lifted.Expired);
        Assert.Equal(before.State, scenario.State);
        Assert.Equal(before.Since, scenario.Conversation.Since);
        Assert.Equal(before.Request, scenario.Conversation.Request);
        Assert.Empty(scenario.Conversation.Held);
    }

    [Fact]
    public void After_opt_in_is_turned_off_a_pending_conversation_flows_freely()
    {
        var scenario = Scenario.PendingByLine();
        scenario.OptInRequirementLifted();

        var fromLine = scenario.LineSends();
        var fromContact = scenario.ContactSends("Got it, thanks");

        Assert.Equal(MessageStatus.Queued, fromLine.Status);
        Assert.Equal(MessageStatus.Delivered, fromContact.Status);
        Assert.Equal(ConsentState.Pending, scenario.State);
    }

    [Fact]
    public void Turning_opt_in_off_does_not_release_messages_held_for_a_contact_who_opted_out_and_wrote_again()
    {
        var scenario = Scenario.OptedOut();
        var again = scenario.ContactSends("Hello again");
        scenario.LineSends("Hi!");

        var lifted = scenario.OptInRequirementLifted();

        Assert.Empty(lifted.Effects);
        Assert.Equal(2, scenario.Conversation.Held.Count);
        Assert.Equal(again.Message, scenario.Conversation.Held[0].MessageId);
    }

    [Fact]
    public void Turning_opt_in_off_changes_nothing_for_an_opted_out_contact()
    {
        var scenario = Scenario.OptedOut();
        var before = scenario.Conversation;

        var lifted = scenario.OptInRequirementLifted();

        Assert.Empty(lifted.Effects);
        Assert.Equal(before, scenario.Conversation);
        Assert.Equal(MessageStatus.Blocked, scenario.LineSends().Status);
    }

    [Fact]
    public void Turning_sms_opt_in_off_releases_nothing_on_whatsapp()
    {
        var scenario = Scenario.PendingByLine(Channel.WhatsApp);

        var lifted = scenario.OptInRequirementLifted();

        Assert.Empty(lifted.Effects);
        Assert.Single(scenario.Conversation.Held);
    }

    [Fact]
    public void WhatsApp_is_gated_even_when_sms_opt_in_is_off()
    {
        var scenario = new Scenario(Channel.WhatsApp, Ungated);

        var sent = scenario.LineSends();

        Assert.Equal(MessageStatus.Held, sent.Status);
        Assert.Equal([SeedTexts.LineRequest()], sent.ToContact);
        Assert.Equal([SeedTexts.LinePendingNotice], sent.ToLine);
        Assert.Equal(ConsentState.Pending, sent.State);
    }

    [Fact]
    public void WhatsApp_contact_writing_first_is_asked_even_when_sms_opt_in_is_off()
    {
        var scenario = new Scenario(Channel.WhatsApp, Ungated);

        var sent = scenario.ContactSends("Hola");

        Assert.Equal(MessageStatus.Held, sent.Status);
        Assert.Equal([SeedTexts.ContactRequest()], sent.ToContact);
        Assert.Equal([SeedTexts.ContactPendingNotice], sent.ToLine);
    }
}
