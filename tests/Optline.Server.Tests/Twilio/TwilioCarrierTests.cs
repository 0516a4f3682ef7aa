using System.Net;

namespace Optline.Server.Tests.Twilio;

/// <summary>What Twilio reports back: its own opt-out handling, send errors, delivery receipts and retries.</summary>
public sealed class TwilioCarrierTests(OptlineTestServer server) : IClassFixture<OptlineTestServer>
{
    [Fact]
    public async Task Twilio_OptOutType_STOP_opts_out_with_a_notice_to_the_line_and_no_confirmation()
    {
        var line = await server.NewLineAsync();
        var contact = server.NewContactNumber();
        var before = await server.OptInOverSmsAsync(line, contact);

        await server.ContactTextsAsync(contact, line, "STOP", new Dictionary<string, string> { ["OptOutType"] = "STOP" });

        var conversation = await line.Client.SettledConversationAsync(line.Number, contact);
        Assert.Equal("opted_out", conversation.Consent.State);
        Assert.Equal(SeedTexts.OptOutNotice, conversation.Notices[^1]);
        Assert.Equal(before, server.Carrier.To(contact).Count);
        Assert.DoesNotContain(conversation.Items, i => i.IsOutboundMessage && i.Body == SeedTexts.OptOutConfirm);
    }

    [Fact]
    public async Task A_send_refused_with_twilio_error_21610_opts_the_contact_out_with_source_provider()
    {
        var line = await server.NewLineAsync();
        var contact = server.NewContactNumber();
        var before = await server.OptInOverSmsAsync(line, contact);
        server.Carrier.FailSendsTo(contact, CarrierFailure.Unsubscribed);

        var sent = await line.Client.SendAsync(line.Number, contact, "Your quarterly update.");

        Assert.Equal("queued", sent.Status);
        var conversation = await line.Client.ConversationWhenAsync(line.Number, contact, "sms", c => c.Consent.State == "opted_out", "the carrier's opt-out");
        Assert.Equal("failed", conversation.Message("Your quarterly update.").Status);
        Assert.Equal(SeedTexts.OptOutNotice, conversation.Notices[^1]);
        Assert.DoesNotContain(conversation.Items, i => i.IsOutboundMessage && i.Body == SeedTexts.OptOutConfirm);
        Assert.Equal(before, server.Carrier.To(contact).Count);
        var consent = await line.Client.ConsentAsync(line.Number, contact);
        Assert.Equal("opted_out", consent.State);
        Assert.Equal("provider", consent.Source);
        Assert.Equal("blocked", (await line.Client.SendAsync(line.Number, contact, "Still there?")).Status);
    }

    [Fact]
    public async Task A_signed_delivered_status_callback_marks_the_message_delivered()
    {
        var line = await server.NewLineAsync();
        var contact = server.NewContactNumber();
        var before = await server.OptInOverSmsAsync(line, contact);
        await line.Client.SendAsync(line.Number, contact, "Your statement is ready.");
        var sent = (await server.Carrier.WaitForAsync(contact, before + 1))[before];
        Assert.Equal(server.Carriers.PublicUrl("/webhooks/twilio/status"), sent.Form()["StatusCallback"]);
        Assert.Equal("sent", (await line.Client.SettledConversationAsync(line.Number, contact)).Message("Your statement is ready.").Status);

        using var response = await server.Carriers.TwilioStatusAsync(sent.ProviderId, "delivered");

        await Http.ExpectStatusAsync(response, HttpStatusCode.OK);
        Assert.Equal("text/xml", response.Content.Headers.ContentType?.MediaType);
        var conversation = await line.Client.ConversationAsync(line.Number, contact);
        Assert.Equal("delivered", conversation.Message("Your statement is ready.").Status);
    }

    [Fact]
    public async Task A_carrier_outage_is_retried_until_the_message_is_sent()
    {
        var line = await server.NewLineAsync();
        var contact = server.NewContactNumber();
        server.Carrier.FailSendsTo(contact, CarrierFailure.ServerError, times: 2);

        await line.Client.SendAsync(line.Number, contact, "Hello");

        var received = await server.Carrier.WaitForAsync(contact, 1);
        Assert.Equal([SeedTexts.LineRequestFor(line.DisplayName)], received.Select(m => m.Body));
    }

    [Fact]
    public async Task A_carrier_outage_keeps_a_conversations_messages_in_the_order_they_were_sent()
    {
        var line = await server.NewLineAsync();
        var contact = server.NewContactNumber();
        var before = await server.OptInOverSmsAsync(line, contact);
        server.Carrier.FailSendsTo(contact, CarrierFailure.ServerError, times: 3);

        foreach (var body in new[] { "One", "Two", "Three", "Four" })
        {
            Assert.Equal("queued", (await line.Client.SendAsync(line.Number, contact, body)).Status);
        }

        var received = await server.Carrier.WaitForAsync(contact, before + 4);
        Assert.Equal(["One", "Two", "Three", "Four"], received.Skip(before).Select(m => m.Body));
        await line.Client.ConversationWhenAsync(line.Number, contact, "sms",
            c => new[] { "One", "Two", "Three", "Four" }.All(b => c.Message(b).Status == "sent"), "every message recorded as sent");
    }

    [Fact]
    public async Task A_429_with_retry_after_is_retried_after_the_carriers_delay()
    {
        var line = await server.NewLineAsync();
        var contact = server.NewContactNumber();
        server.Carrier.FailSendsTo(contact, CarrierFailure.TooManyRequests);

        await line.Client.SendAsync(line.Number, contact, "Hello");

        var received = await server.Carrier.WaitForAsync(contact, 1);
        Assert.Equal([SeedTexts.LineRequestFor(line.DisplayName)], received.Select(m => m.Body));
    }

    [Fact]
    public async Task A_media_only_message_from_a_new_contact_starts_the_contact_initiated_flow()
    {
        var line = await server.NewLineAsync();
        var contact = server.NewContactNumber();

        await server.ContactTextsAsync(contact, line, "", new Dictionary<string, string>
        {
            ["NumMedia"] = "1",
            ["MediaUrl0"] = "https://api.twilio.com/2010-04-01/Accounts/AC/Messages/MM/Media/ME",
            ["MediaContentType0"] = "image/jpeg",
        });

        var conversation = await line.Client.SettledConversationAsync(line.Number, contact);
        Assert.Equal([SeedTexts.ContactRequestFor(line.DisplayName)], server.Carrier.BodiesTo(contact));
        Assert.Equal([SeedTexts.ContactPendingNotice], conversation.Notices);
        Assert.Equal("held", Assert.Single(conversation.Items, i => i.IsInboundMessage).Status);
    }

    [Fact]
    public async Task The_simulator_refuses_to_play_a_contact_on_a_channel_a_real_carrier_serves()
    {
        var line = await server.NewLineAsync();

        using var response = await server.Anonymous.PostJsonAsync("/simulator/inbound", new { from = server.NewContactNumber(), to = line.Number, body = "Hi", channel = "sms" });

        await Http.ProblemAsync(response, HttpStatusCode.Conflict, "simulator-off");
    }
}
