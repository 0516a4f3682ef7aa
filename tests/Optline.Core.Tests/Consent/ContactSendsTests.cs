using Optline.Core.Consent;
using Optline.Core.Keywords;

namespace Optline.Core.Tests.Consent;

/// <summary>
/// PRODUCT.md §3, "The contact sends": every cell of the table, {STOP, YES, START, HELP, other} ×
/// {none, pending, opted_in, opted_out}, on a gated conversation.
/// </summary>
public class ContactSendsTests
{
    private const string Chatter = "Can we move our call to Friday?";

    // STOP column

    [Theory]
    [InlineData(ConsentState.None)]
    [InlineData(ConsentState.Pending)]
    [InlineData(ConsentState.OptedIn)]
    public void Stop_opts_out_with_the_confirmation_to_the_contact_and_the_notice_to_the_line(ConsentState state)
    {
        var scenario = Scenario.In(state);

        var stop = scenario.ContactSends("STOP");

        Assert.Equal([SeedTexts.OptOutConfirm], stop.ToContact);
        Assert.Equal([SeedTexts.OptOutNotice], stop.ToLine);
        Assert.Equal(ConsentState.OptedOut, stop.State);
        Assert.Equal(new ConsentChanged(state, ConsentState.OptedOut, "contact_stop", "keyword:stop:en:STOP"), stop.Transition);
        Assert.Equal(new OptOutRecord(OptOutSource.Contact, "keyword:stop:en:STOP"), scenario.Conversation.OptOut);
    }

    [Fact]
    public void Stop_in_pending_cancels_the_held_messages_both_ways()
    {
        var scenario = Scenario.PendingByLine();
        var fromContact = scenario.ContactSends(Chatter);
        var fromLine = scenario.LineSends();
        var firstFromLine = scenario.Turns[0].Message;

        var stop = scenario.ContactSends("STOP");

        Assert.Equal(
            [new Cancel(firstFromLine, Direction.Outbound), new Cancel(fromContact.Message, Direction.Inbound), new Cancel(fromLine.Message, Direction.Outbound)],
            stop.Of<Cancel>());
        Assert.Empty(stop.Released);
        Assert.Empty(scenario.Conversation.Held);
        Assert.Null(scenario.Conversation.Request);
    }

    [Fact]
    public void Stop_in_opted_in_cancels_the_queued_unsent_messages()
    {
        var scenario = Scenario.OptedIn();
        scenario.LineSends("one");
        scenario.LineSends("two");

        var stop = scenario.ContactSends("STOP");

        Assert.Single(stop.Of<CancelQueued>());
        Assert.Empty(stop.OutboundToContact);
    }

    [Fact]
    public void Stop_in_opted_out_is_recorded_only_and_nothing_is_sent()
    {
        var scenario = Scenario.In(ConsentState.OptedOut);

        var stop = scenario.ContactSends("STOP");

        Assert.Empty(stop.ToContact);
        Assert.Empty(stop.ToLine);
        Assert.Null(stop.Transition);
        Assert.Empty(stop.Of<PropagateOptOut>());
        Assert.Contains(stop.Of<AuditNote>(), note => note.Event == "opt_out_repeated");
        Assert.Equal(ConsentState.OptedOut, stop.State);
    }

    // YES and START columns

    [Theory]
    [InlineData("YES")]
    [InlineData("START")]
    public void Yes_or_start_in_none_starts_the_contact_initiated_flow(string body)
    {
        var scenario = Scenario.In(ConsentState.None);

        var sent = scenario.ContactSends(body);

        Assert.Equal([SeedTexts.ContactRequest()], sent.ToContact);
        Assert.Equal([SeedTexts.ContactPendingNotice], sent.ToLine);
        Assert.Equal(MessageStatus.Held, sent.Status);
        Assert.Empty(sent.InboundToLine);
        Assert.Equal(ConsentState.Pending, sent.State);
        Assert.Equal(Initiator.Contact, scenario.Conversation.Request!.InitiatedBy);
    }

    [Theory]
    [InlineData("YES")]
    [InlineData("START")]
    [InlineData("UNSTOP")]
    public void Yes_or_start_in_pending_started_by_the_line_opts_in_with_the_line_texts(string body)
    {
        var scenario = Scenario.PendingByLine();

        var yes = scenario.ContactSends(body);

        Assert.Equal([SeedTexts.LineOptedInConfirm], yes.ToContact);
        Assert.Equal([SeedTexts.LineOptedInNotice], yes.ToLine);
        Assert.Equal(ConsentState.OptedIn, yes.State);
        Assert.Equal([scenario.Turns[0].Message], yes.OutboundToContact);
    }

    [Theory]
    [InlineData("YES")]
    [InlineData("START")]
    [InlineData("UNSTOP")]
    public void Yes_or_start_in_pending_started_by_the_contact_opts_in_with_the_contact_texts(string body)
    {
        var scenario = Scenario.PendingByContact();

        var yes = scenario.ContactSends(body);

        Assert.Equal([SeedTexts.ContactOptedInConfirm], yes.ToContact);
        Assert.Equal([SeedTexts.ContactOptedInNotice], yes.ToLine);
        Assert.Equal(ConsentState.OptedIn, yes.State);
        Assert.Equal([scenario.Turns[0].Message], yes.Released);
    }

    [Theory]
    [InlineData("YES")]
    [InlineData("START")]
    public void Yes_or_start_in_opted_in_is_delivered_to_the_line(string body)
    {
        var scenario = Scenario.In(ConsentState.OptedIn);

        var sent = scenario.ContactSends(body);

        Assert.Equal(MessageStatus.Delivered, sent.Status);
        Assert.Equal([sent.Message], sent.InboundToLine);
        Assert.Empty(sent.ToContact);
        Assert.Empty(sent.ToLine);
        Assert.Null(sent.Transition);
    }

    [Theory]
    [InlineData("YES")]
    [InlineData("START")]
    public void Yes_or_start_in_opted_out_opts_in_with_the_contact_texts(string body)
    {
        var scenario = Scenario.In(ConsentState.OptedOut);

        var sent = scenario.ContactSends(body);

        Assert.Equal([SeedTexts.ContactOptedInConfirm], sent.ToContact);
        Assert.Equal([SeedTexts.ContactOptedInNotice], sent.ToLine);
        Assert.Equal(ConsentState.OptedIn, sent.State);
        Assert.Equal(ConsentState.OptedOut, sent.Transition!.From);
    }

    [Theory]
    [InlineData("Yes", Intent.Yes)]
    [InlineData("y", Intent.Yes)]
    [InlineData("Sí", Intent.Yes)]
    [InlineData("oui", Intent.Yes)]
    [InlineData("SIM", Intent.Yes)]
    [InlineData("Ja!", Intent.Yes)]
    [InlineData("start", Intent.Start)]
    [InlineData("Unstop", Intent.Start)]
    public void Every_yes_word_and_start_word_answers_the_request(string body, Intent intent)
    {
        var scenario = Scenario.PendingByLine();

        var yes = scenario.ContactSends(body);

        Assert.Equal(intent, yes.Classification!.Intent);
        Assert.Equal(ConsentState.OptedIn, yes.State);
        Assert.Single(yes.ToContact);
    }

    // HELP column

    [Theory]
    [InlineData(ConsentState.None)]
    [InlineData(ConsentState.Pending)]
    [InlineData(ConsentState.OptedOut)]
    public void Help_gets_the_help_reply_and_changes_nothing(ConsentState state)
    {
        var scenario = Scenario.In(state);
        var before = scenario.Conversation;

        var help = scenario.ContactSends("HELP");

        Assert.Equal([SeedTexts.Help("Morgan Wealth Partners", "Alex Morgan")], help.ToContact);
        Assert.Empty(help.ToLine);
        Assert.Null(help.Transition);
        Assert.Equal(state, help.State);
        Assert.Equal(before.Request, scenario.Conversation.Request);
        Assert.Equal(before.Held, scenario.Conversation.Held);
        Assert.Empty(help.OutboundToContact);
    }

    [Fact]
    public void Help_in_opted_in_gets_the_help_reply_and_is_delivered_to_the_line()
    {
        var scenario = Scenario.In(ConsentState.OptedIn);

        var help = scenario.ContactSends("help");

        Assert.Equal([SeedTexts.Help()], help.ToContact);
        Assert.Equal([help.Message], help.InboundToLine);
        Assert.Equal(MessageStatus.Delivered, help.Status);
        Assert.Equal(ConsentState.OptedIn, help.State);
    }

    [Theory]
    [InlineData("INFO")]
    [InlineData("aide")]
    [InlineData("Ayuda")]
    public void Every_help_word_gets_the_help_reply(string body)
    {
        var scenario = Scenario.In(ConsentState.None);

        Assert.Equal([SeedTexts.Help()], scenario.ContactSends(body).ToContact);
    }

    // other column

    [Fact]
    public void Other_in_none_starts_the_contact_initiated_flow()
    {
        var scenario = Scenario.In(ConsentState.None);

        var sent = scenario.ContactSends(Chatter);

        Assert.Equal([SeedTexts.ContactRequest()], sent.ToContact);
        Assert.Equal([SeedTexts.ContactPendingNotice], sent.ToLine);
        Assert.Equal(MessageStatus.Held, sent.Status);
        Assert.Empty(sent.InboundToLine);
        Assert.Equal(new ConsentChanged(ConsentState.None, ConsentState.Pending, "contact_sent", "first_contact_by_contact"), sent.Transition);
    }

    [Fact]
    public void Other_in_pending_is_held_without_a_further_request_before_the_cooldown()
    {
        var scenario = Scenario.PendingByLine();

        var sent = scenario.ContactSends(Chatter);

        Assert.Equal(MessageStatus.Held, sent.Status);
        Assert.Equal([new Hold(sent.Message, Direction.Inbound)], sent.Of<Hold>());
        Assert.Empty(sent.ToContact);
        Assert.Empty(sent.ToLine);
        Assert.Empty(sent.InboundToLine);
        Assert.Equal(ConsentState.Pending, sent.State);
    }

    [Fact]
    public void Other_in_pending_is_held_with_a_further_request_as_for_the_line_once_the_cooldown_has_passed()
    {
        var scenario = Scenario.PendingByLine();

        var sent = scenario.Wait(TimeSpan.FromHours(25)).ContactSends("Who is this?");

        Assert.Equal(MessageStatus.Held, sent.Status);
        Assert.Equal([SeedTexts.LineRequest()], sent.ToContact);
        Assert.Equal(2, scenario.Conversation.Request!.RequestsSent);
    }

    [Fact]
    public void Other_in_opted_in_is_delivered_to_the_line()
    {
        var scenario = Scenario.In(ConsentState.OptedIn);

        var sent = scenario.ContactSends(Chatter);

        Assert.Equal(MessageStatus.Delivered, sent.Status);
        Assert.Equal([new DeliverToLine(sent.Message)], sent.Effects);
    }

    [Fact]
    public void Other_in_opted_out_starts_the_contact_initiated_flow()
    {
        var scenario = Scenario.In(ConsentState.OptedOut);

        var sent = scenario.ContactSends(Chatter);

        Assert.Equal([SeedTexts.ContactRequest()], sent.ToContact);
        Assert.Equal([SeedTexts.ContactPendingNotice], sent.ToLine);
        Assert.Equal(MessageStatus.Held, sent.Status);
        Assert.Equal(ConsentState.Pending, sent.State);
        Assert.Equal(Initiator.Contact, scenario.Conversation.Request!.InitiatedBy);
        Assert.Null(scenario.Conversation.OptOut);
    }

    [Fact]
    public void WhatsApp_messages_are_stamped_as_the_last_inbound()
    {
        var scenario = Scenario.In(ConsentState.OptedIn, Channel.WhatsApp);

        scenario.Wait(TimeSpan.FromHours(3)).ContactSends(Chatter);

        Assert.Equal(scenario.Now, scenario.Conversation.LastInboundAt);
    }

    [Fact]
    public void An_ordinary_sms_leaves_the_conversation_as_it_was()
    {
        var scenario = Scenario.In(ConsentState.OptedIn);
        var before = scenario.Conversation;

        var sent = scenario.Wait(TimeSpan.FromHours(3)).ContactSends(Chatter);

        Assert.Equal(MessageStatus.Delivered, sent.Status);
        Assert.Same(before, scenario.Conversation);
    }
}
