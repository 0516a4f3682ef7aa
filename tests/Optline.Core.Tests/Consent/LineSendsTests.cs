using Optline.Core.Consent;
using Optline.Core.Templates;

namespace Optline.Core.Tests.Consent;

/// <summary>PRODUCT.md §3, "The line sends", one test per row of the table (gated conversation).</summary>
public class LineSendsTests
{
    [Fact]
    public void In_none_the_contact_gets_the_line_request_the_line_the_pending_notice_and_the_message_is_held()
    {
        var scenario = Scenario.In(ConsentState.None);

        var sent = scenario.LineSends();

        Assert.Equal([SeedTexts.LineRequest()], sent.ToContact);
        Assert.Equal([SeedTexts.LinePendingNotice], sent.ToLine);
        Assert.Equal(MessageStatus.Held, sent.Status);
        Assert.Equal([new Hold(sent.Message, Direction.Outbound)], sent.Of<Hold>());
        Assert.Equal(new ConsentChanged(ConsentState.None, ConsentState.Pending, "line_sent", "first_contact_by_line"), sent.Transition);
        Assert.Equal(new PendingRequest(Initiator.Line, scenario.Now, scenario.Now, 1), scenario.Conversation.Request);
    }

    [Fact]
    public void In_pending_the_message_is_held_without_a_further_request_before_the_cooldown()
    {
        var scenario = Scenario.PendingByLine();

        var sent = scenario.Wait(TimeSpan.FromHours(2)).LineSends();

        Assert.Equal(MessageStatus.Held, sent.Status);
        Assert.Equal([sent.Message], sent.Held);
        Assert.Empty(sent.ToContact);
        Assert.Empty(sent.ToLine);
        Assert.Null(sent.Transition);
        Assert.Contains(sent.Of<AuditNote>(), note => note.Event == "request_suppressed");
        Assert.Equal(2, scenario.Conversation.Held.Count);
    }

    [Fact]
    public void In_pending_the_message_is_held_and_a_further_request_goes_once_the_cooldown_has_passed()
    {
        var scenario = Scenario.PendingByLine();

        var sent = scenario.Wait(TimeSpan.FromHours(24)).LineSends();

        Assert.Equal(MessageStatus.Held, sent.Status);
        Assert.Equal([SeedTexts.LineRequest()], sent.ToContact);
        Assert.Empty(sent.ToLine);
        Assert.Equal(2, scenario.Conversation.Request!.RequestsSent);
    }

    [Fact]
    public void In_pending_started_by_the_contact_the_line_message_is_held_and_a_further_request_is_the_contact_request()
    {
        var scenario = Scenario.PendingByContact();

        var early = scenario.LineSends("Hi! Yes, it's Alex.");
        var later = scenario.Wait(TimeSpan.FromDays(1)).LineSends("Are you there?");

        Assert.Equal(MessageStatus.Held, early.Status);
        Assert.Empty(early.ToContact);
        Assert.Equal(MessageStatus.Held, later.Status);
        Assert.Equal([SeedTexts.ContactRequest()], later.ToContact);
        Assert.Equal([TemplateId.ContactRequest], later.TemplatesToContact);
    }

    [Fact]
    public void In_opted_in_the_message_is_queued_for_sending()
    {
        var scenario = Scenario.In(ConsentState.OptedIn);

        var sent = scenario.LineSends();

        Assert.Equal(MessageStatus.Queued, sent.Status);
        Assert.Equal([new QueueForContact(sent.Message)], sent.Effects);
        Assert.Empty(sent.ToContact);
        Assert.Empty(sent.ToLine);
        Assert.Equal(ConsentState.OptedIn, sent.State);
    }

    [Fact]
    public void In_opted_out_the_message_is_refused_as_blocked_opted_out_and_the_line_sees_the_opt_out_notice()
    {
        var scenario = Scenario.In(ConsentState.OptedOut);

        var sent = scenario.LineSends();

        Assert.Equal(new MessageOutcome(MessageStatus.Blocked, BlockReason.OptedOut), sent.Decision.Outcome);
        Assert.Equal([SeedTexts.OptOutNotice], sent.ToLine);
        Assert.Empty(sent.ToContact);
        Assert.Empty(sent.OutboundToContact);
        Assert.Empty(sent.Held);
        Assert.Null(sent.Transition);
        Assert.Equal(ConsentState.OptedOut, sent.State);
    }

    [Fact]
    public void The_decision_for_a_line_message_has_no_classification()
    {
        var scenario = Scenario.In(ConsentState.OptedIn);

        Assert.Null(scenario.LineSends("STOP").Classification);
    }
}
