using System.Net;
using System.Text;

namespace Optline.Server.Tests.Webhooks;

/// <summary>Oversized or malformed webhooks are refused with a clear status and change nothing, even when signed.</summary>
public sealed class WebhookLimitsTests(OptlineTestServer server) : IClassFixture<OptlineTestServer>
{
    [Fact]
    public async Task A_twilio_webhook_over_64_KB_is_refused_with_413()
    {
        var line = await server.NewLineAsync();
        var contact = server.NewContactNumber();

        using var response = await server.Carriers.TwilioInboundAsync(contact, line.Number, new string('x', 70 * 1024));

        await Http.ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "body-too-large");
        Assert.Empty((await server.Admin.ConversationAsync(line.Number, contact)).Items);
    }

    [Fact]
    public async Task A_whatsapp_webhook_over_64_KB_is_refused_with_413()
    {
        var line = await server.NewLineAsync();
        var contact = server.NewContactNumber();

        using var response = await server.Carriers.WhatsAppInboundAsync(contact, line.Number, new string('x', 70 * 1024));

        await Http.ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "body-too-large");
        Assert.Empty((await server.Admin.ConversationAsync(line.Number, contact, "whatsapp")).Items);
    }

    [Fact]
    public async Task A_signed_twilio_form_without_a_message_sid_is_a_malformed_webhook()
    {
        var line = await server.NewLineAsync();
        var contact = server.NewContactNumber();
        var form = CarrierWebhooks.TwilioInboundForm(contact, line.Number, "Hello");
        form.Remove("MessageSid");
        form.Remove("SmsMessageSid");
        form.Remove("SmsSid");

        using var response = await server.Carriers.PostTwilioAsync("/webhooks/twilio", form, Signing.Valid);

        await Http.ProblemAsync(response, HttpStatusCode.BadRequest, "malformed-webhook");
        Assert.Empty((await server.Admin.ConversationAsync(line.Number, contact)).Items);
    }

    [Fact]
    public async Task A_signed_whatsapp_body_that_is_not_a_webhook_is_malformed()
    {
        using var response = await server.Carriers.PostWhatsAppAsync(Encoding.UTF8.GetBytes("""{"object": "page", "entry": []}"""), Signing.Valid);

        await Http.ProblemAsync(response, HttpStatusCode.BadRequest, "malformed-webhook");
    }

    [Fact]
    public async Task An_inbound_sms_to_a_number_that_is_no_line_is_refused()
    {
        using var response = await server.Carriers.TwilioInboundAsync(server.NewContactNumber(), "+12015550199", "Hello?");

        await Http.ProblemAsync(response, HttpStatusCode.NotFound, "line-not-found");
    }

    [Fact]
    public async Task An_unknown_path_answers_a_not_found_problem()
    {
        using var response = await server.Admin.GetAsync("/api/v1/nothing-here");

        await Http.ProblemAsync(response, HttpStatusCode.NotFound, "not-found");
    }
}
