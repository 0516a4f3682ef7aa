using Optline.Core.Consent;

namespace Optline.Core.Tests.Consent;

/// <summary>
/// The seed document's flows, end to end, with its exact texts: the line initiates, the contact initiates,
/// the contact opts out, comes back, and the line is blocked meanwhile.
/// </summary>
public class SeedFlowTests
{
    private static readonly TimeSpan AMoment = TimeSpan.FromMinutes(3);

    [Fact]
    public void Line_writing_first_sends_the_contact_the_line_request_with_the_user_name_and_shows_the_line_the_pending_notice()
    {
        var scenario = new Scenario();

        var first = scenario.LineSends("Hi, it's Alex. Do you have a minute for your annual review?");

        Assert.Equal([SeedTexts.LineRequest("Alex Morgan")], first.ToContact);
        Assert.Equal([SeedTexts.LinePendingNotice], first.ToLine);
        Assert.Equal(MessageStatus.Held, first.Status);
        Assert.Equal([first.Message], first.Held);
        Assert.Empty(first.OutboundToContact);
        Assert.Equal(ConsentState.Pending, first.State);
        Assert.Equal(Initiator.Line, scenario.Conversation.Request!.InitiatedBy);
    }

    [Fact]
    public void Contact_accepting_the_line_request_with_yes_gets_the_line_confirmation_and_the_line_is_told_it_may_message()
    {
        var scenario = new Scenario();
        var held = scenario.LineSends("Hi, it's Alex.");

        var yes = scenario.Wait(AMoment).ContactSends("YES");

        Assert.Equal([SeedTexts.LineOptedInConfirm], yes.ToContact);
        Assert.Equal([SeedTexts.LineOptedInNotice], yes.ToLine);
        Assert.Equal(ConsentState.OptedIn, yes.State);
        Assert.Equal([held.Message], yes.OutboundToContact);
        Assert.Equal([yes.Message], yes.InboundToLine);
    }

    [Fact]
    public void The_whole_line_initiated_flow_sends_exactly_two_texts_to_the_contact_and_shows_exactly_two_notices_to_the_line()
    {
        var scenario = new Scenario();

        scenario.LineSends("Hi, it's Alex.");
        scenario.Wait(AMoment).ContactSends("yes");
        var after = scenario.Wait(AMoment).LineSends("Great, talk Thursday.");

        Assert.Equal([SeedTexts.LineRequest(), SeedTexts.LineOptedInConfirm], scenario.ContactReceived);
        Assert.Equal([SeedTexts.LinePendingNotice, SeedTexts.LineOptedInNotice], scenario.LineSaw);
        Assert.Equal(MessageStatus.Queued, after.Status);
        Assert.Equal([after.Message], after.OutboundToContact);
    }

    [Fact]
    public void The_held_line_message_goes_out_after_the_opt_in_confirmation()
    {
        var scenario = Scenario.PendingByLine();

        var yes = scenario.ContactSends("YES");

        var confirmation = yes.Effects.ToList().FindIndex(e => e is SendToContact);
        var release = yes.Effects.ToList().FindIndex(e => e is Release);
        Assert.InRange(confirmation, 0, release - 1);
    }

    [Fact]
    public void Contact_writing_first_gets_the_contact_request_and_the_line_is_told_without_seeing_the_text()
    {
        var scenario = new Scenario();

        var first = scenario.ContactSends("Hello, is this Alex? I have a question about my account.");

        Assert.Equal([SeedTexts.ContactRequest("Alex Morgan")], first.ToContact);
        Assert.Equal([SeedTexts.ContactPendingNotice], first.ToLine);
        Assert.Equal(MessageStatus.Held, first.Status);
        Assert.Empty(first.InboundToLine);
        Assert.Equal(ConsentState.Pending, first.State);
        Assert.Equal(Initiator.Contact, scenario.Conversation.Request!.InitiatedBy);
    }

    [Fact]
    public void Contact_accepting_their_own_request_with_yes_gets_the_contact_confirmation_and_the_line_sees_the_held_message()
    {
        var scenario = new Scenario();
        var first = scenario.ContactSends("Hello, is this Alex?");

        var yes = scenario.Wait(AMoment).ContactSends("YES");

        Assert.Equal([SeedTexts.ContactOptedInConfirm], yes.ToContact);
        Assert.Equal([SeedTexts.ContactOptedInNotice], yes.ToLine);
        Assert.Equal(ConsentState.OptedIn, yes.State);
        Assert.Equal([first.Message], yes.Released);
        Assert.Contains(first.Message, yes.InboundToLine);
        Assert.Equal([SeedTexts.ContactRequest(), SeedTexts.ContactOptedInConfirm], scenario.ContactReceived);
        Assert.Equal([SeedTexts.ContactPendingNotice, SeedTexts.ContactOptedInNotice], scenario.LineSaw);
    }

    [Fact]
    public void Held_messages_are_released_in_order_in_each_direction()
    {
        var scenario = new Scenario();
        var line1 = scenario.LineSends("one");
        var contact1 = scenario.Wait(AMoment).ContactSends("who is this?");
        var line2 = scenario.Wait(AMoment).LineSends("two");
        var contact2 = scenario.Wait(AMoment).ContactSends("hello?");

        var yes = scenario.Wait(AMoment).ContactSends("Yes");

        Assert.Equal([line1.Message, line2.Message], yes.Of<Release>().Where(r => r.Direction == Direction.Outbound).Select(r => r.MessageId));
        Assert.Equal([contact1.Message, contact2.Message], yes.Of<Release>().Where(r => r.Direction == Direction.Inbound).Select(r => r.MessageId));
        Assert.Empty(scenario.Conversation.Held);
    }

    [Fact]
    public void Contact_replying_stop_gets_the_opt_out_confirmation_and_the_line_is_told_it_can_no_longer_message()
    {
        var scenario = Scenario.OptedIn();

        var stop = scenario.ContactSends("STOP");

        Assert.Equal([SeedTexts.OptOutConfirm], stop.ToContact);
        Assert.Equal([SeedTexts.OptOutNotice], stop.ToLine);
        Assert.Equal(ConsentState.OptedOut, stop.State);
        Assert.Equal(OptOutSource.Contact, scenario.Conversation.OptOut!.Source);
    }

    [Theory]
    [InlineData(ConsentState.None)]
    [InlineData(ConsentState.Pending)]
    [InlineData(ConsentState.OptedIn)]
    public void Contact_can_opt_out_at_any_time(ConsentState state)
    {
        var scenario = Scenario.In(state);

        var stop = scenario.ContactSends("STOP");

        Assert.Equal([SeedTexts.OptOutConfirm], stop.ToContact);
        Assert.Equal([SeedTexts.OptOutNotice], stop.ToLine);
        Assert.Equal(ConsentState.OptedOut, stop.State);
    }

    [Theory]
    [InlineData("YES")]
    [InlineData("START")]
    [InlineData("UNSTOP")]
    public void Opted_out_contact_replying_yes_start_or_unstop_opts_in_again_with_the_contact_texts(string body)
    {
        var scenario = Scenario.OptedOut();

        var back = scenario.ContactSends(body);

        Assert.Equal([SeedTexts.ContactOptedInConfirm], back.ToContact);
        Assert.Equal([SeedTexts.ContactOptedInNotice], back.ToLine);
        Assert.Equal(ConsentState.OptedIn, back.State);
        Assert.Equal(MessageStatus.Queued, scenario.Wait(AMoment).LineSends().Status);
    }

    [Fact]
    public void Opted_out_contact_replying_with_a_new_message_starts_the_contact_initiated_flow_as_the_confirmation_promises()
    {
        var scenario = Scenario.OptedOut();

        var again = scenario.Wait(TimeSpan.FromDays(2)).ContactSends("Sorry, I changed my mind. Can we talk?");
        var yes = scenario.Wait(AMoment).ContactSends("YES");

        Assert.Equal([SeedTexts.ContactRequest()], again.ToContact);
        Assert.Equal([SeedTexts.ContactPendingNotice], again.ToLine);
        Assert.Equal(MessageStatus.Held, again.Status);
        Assert.Equal(ConsentState.Pending, again.State);
        Assert.Equal([SeedTexts.ContactOptedInConfirm], yes.ToContact);
        Assert.Equal([SeedTexts.ContactOptedInNotice], yes.ToLine);
        Assert.Equal([again.Message], yes.Released);
        Assert.Equal(ConsentState.OptedIn, yes.State);
    }

    [Fact]
    public void Line_writing_to_an_opted_out_contact_is_blocked_and_shown_the_opt_out_notice_and_nothing_reaches_the_contact()
    {
        var scenario = Scenario.OptedOut();

        var blocked = scenario.LineSends("Just checking in!");

        Assert.Equal(MessageStatus.Blocked, blocked.Status);
        Assert.Equal(BlockReason.OptedOut, blocked.Reason);
        Assert.Equal("opted_out", blocked.Reason!.Value.Name());
        Assert.Equal([new Block(blocked.Message, BlockReason.OptedOut)], blocked.Of<Block>());
        Assert.Empty(blocked.ToContact);
        Assert.Empty(blocked.OutboundToContact);
        Assert.Empty(blocked.Held);
        Assert.Equal([SeedTexts.OptOutNotice], blocked.ToLine);
        Assert.Equal(ConsentState.OptedOut, blocked.State);
    }

    [Fact]
    public void Line_can_never_re_request_consent_from_an_opted_out_contact_however_long_it_waits()
    {
        var scenario = Scenario.OptedOut();
        var receivedBefore = scenario.ContactReceived.Count;

        for (var attempt = 0; attempt < 12; attempt++)
        {
            var blocked = scenario.Wait(TimeSpan.FromDays(10)).LineSends($"attempt {attempt}");
            Assert.Equal(MessageStatus.Blocked, blocked.Status);
        }

        Assert.Equal(receivedBefore, scenario.ContactReceived.Count);
        Assert.Equal(ConsentState.OptedOut, scenario.State);
    }
}
