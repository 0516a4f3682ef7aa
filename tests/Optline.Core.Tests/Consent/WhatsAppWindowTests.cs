using Optline.Core.Consent;

namespace Optline.Core.Tests.Consent;

/// <summary>
/// PRODUCT.md §6: on WhatsApp, free-form text only within 24 hours of the contact's last message; outside it the
/// opt-in request goes as the approved template and any other line message is refused (<c>whatsapp_window_closed</c>).
/// </summary>
public class WhatsAppWindowTests
{
    [Fact]
    public void Line_writing_first_on_whatsapp_sends_the_request_as_the_approved_template_and_holds_the_message()
    {
        var scenario = new Scenario(Channel.WhatsApp);

        var sent = scenario.LineSends();

        var request = Assert.Single(sent.Of<SendToContact>());
        Assert.True(request.AsWhatsAppTemplate);
        Assert.Equal(SeedTexts.LineRequest(), request.Text.Text);
        Assert.Equal([SeedTexts.LinePendingNotice], sent.ToLine);
        Assert.Equal(MessageStatus.Held, sent.Status);
        Assert.Equal(ConsentState.Pending, sent.State);
    }

    [Fact]
    public void Contact_writing_first_on_whatsapp_gets_the_request_as_free_form_text()
    {
        var scenario = new Scenario(Channel.WhatsApp);

        var sent = scenario.ContactSends("Hi Alex");

        var request = Assert.Single(sent.Of<SendToContact>());
        Assert.False(request.AsWhatsAppTemplate);
        Assert.Equal(SeedTexts.ContactRequest(), request.Text.Text);
    }

    [Fact]
    public void A_further_request_outside_the_window_goes_as_the_template()
    {
        var scenario = new Scenario(Channel.WhatsApp);
        scenario.ContactSends("Hi Alex");

        var again = scenario.Wait(TimeSpan.FromHours(25)).LineSends();

        Assert.True(Assert.Single(again.Of<SendToContact>()).AsWhatsAppTemplate);
    }

    [Fact]
    public void Inside_the_window_an_opted_in_line_message_is_queued()
    {
        var scenario = Scenario.OptedIn(Channel.WhatsApp);
        scenario.Wait(TimeSpan.FromHours(23) + TimeSpan.FromMinutes(58));

        var sent = scenario.LineSends();

        Assert.Equal(MessageStatus.Queued, sent.Status);
        Assert.Equal([sent.Message], sent.OutboundToContact);
    }

    [Fact]
    public void Outside_the_window_an_opted_in_line_message_is_blocked_as_window_closed()
    {
        var scenario = Scenario.OptedIn(Channel.WhatsApp);
        var lastInbound = scenario.Conversation.LastInboundAt!.Value;
        scenario.Wait(TimeSpan.FromHours(24) - (scenario.Now - lastInbound) + TimeSpan.FromSeconds(1));

        var sent = scenario.LineSends();

        Assert.Equal(new MessageOutcome(MessageStatus.Blocked, BlockReason.WhatsAppWindowClosed), sent.Decision.Outcome);
        Assert.Equal("whatsapp_window_closed", sent.Reason!.Value.Name());
        Assert.Equal([new Block(sent.Message, BlockReason.WhatsAppWindowClosed)], sent.Effects);
        Assert.Empty(sent.OutboundToContact);
        Assert.Equal(ConsentState.OptedIn, sent.State);
    }

    [Fact]
    public void The_contact_writing_again_reopens_the_window()
    {
        var scenario = Scenario.OptedIn(Channel.WhatsApp);
        scenario.Wait(TimeSpan.FromDays(3));
        Assert.Equal(MessageStatus.Blocked, scenario.LineSends().Status);

        scenario.ContactSends("Are you there?");
        var sent = scenario.Wait(TimeSpan.FromHours(1)).LineSends();

        Assert.Equal(MessageStatus.Queued, sent.Status);
    }

    [Fact]
    public void A_custom_window_length_is_honoured()
    {
        var scenario = Scenario.OptedIn(Channel.WhatsApp, ConsentPolicy.Default with { WhatsAppWindow = TimeSpan.FromHours(2) });

        var sent = scenario.Wait(TimeSpan.FromHours(3)).LineSends();

        Assert.Equal(BlockReason.WhatsAppWindowClosed, sent.Reason);
    }

    [Fact]
    public void The_sms_channel_has_no_window()
    {
        var scenario = Scenario.OptedIn(Channel.Sms);

        var sent = scenario.Wait(TimeSpan.FromDays(90)).LineSends();

        Assert.Equal(MessageStatus.Queued, sent.Status);
        Assert.False(new Scenario(Channel.Sms).LineSends().Of<SendToContact>()[0].AsWhatsAppTemplate);
    }

    [Fact]
    public void An_opted_out_contact_on_whatsapp_is_blocked_as_opted_out_whatever_the_window()
    {
        var scenario = Scenario.OptedOut(Channel.WhatsApp);

        var sent = scenario.Wait(TimeSpan.FromDays(2)).LineSends();

        Assert.Equal(BlockReason.OptedOut, sent.Reason);
        Assert.Equal([SeedTexts.OptOutNotice], sent.ToLine);
    }
}
