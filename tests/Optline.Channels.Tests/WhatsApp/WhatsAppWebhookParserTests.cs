using System.Text;
using Optline.Channels.WhatsApp;

namespace Optline.Channels.Tests.WhatsApp;

public sealed class WhatsAppWebhookParserTests
{
    private static readonly DateTimeOffset At = DateTimeOffset.FromUnixTimeSeconds(1700000000);

    [Fact]
    public void Text_message_becomes_an_inbound_message_with_e164_numbers()
    {
        var inbound = SingleEvent<WhatsAppInboundMessage>(WebhookPayloads.Text("YES"));

        Assert.Equal(
            new WhatsAppInboundMessage("wamid.HBgL", "+12015550123", "+12015550101", WebhookPayloads.PhoneNumberId, "YES", "text", At),
            inbound);
    }

    [Fact]
    public void Quick_reply_button_gives_its_text_and_payload()
    {
        var inbound = SingleEvent<WhatsAppInboundMessage>(WebhookPayloads.Message("""
            {"context":{"from":"12015550101","id":"wamid.REQ"},"from":"12015550123","id":"wamid.BTN","timestamp":"1700000000",
             "type":"button","button":{"payload":"OPT_IN_YES","text":"Yes"}}
            """));

        Assert.Equal(("button", "Yes", "OPT_IN_YES"), (inbound.Kind, inbound.Body, inbound.ButtonPayload));
    }

    [Fact]
    public void Interactive_button_reply_gives_its_title()
    {
        var inbound = SingleEvent<WhatsAppInboundMessage>(WebhookPayloads.Message("""
            {"from":"12015550123","id":"wamid.IB","timestamp":"1700000000","type":"interactive",
             "interactive":{"type":"button_reply","button_reply":{"id":"stop","title":"STOP"}}}
            """));

        Assert.Equal(("interactive", "STOP", "stop"), (inbound.Kind, inbound.Body, inbound.ButtonPayload));
    }

    [Fact]
    public void Interactive_list_reply_gives_its_title()
    {
        var inbound = SingleEvent<WhatsAppInboundMessage>(WebhookPayloads.Message("""
            {"from":"12015550123","id":"wamid.IL","timestamp":"1700000000","type":"interactive",
             "interactive":{"type":"list_reply","list_reply":{"id":"row-2","title":"Call me back","description":"Within a day"}}}
            """));

        Assert.Equal(("interactive", "Call me back", "row-2"), (inbound.Kind, inbound.Body, inbound.ButtonPayload));
    }

    [Fact]
    public void Image_with_caption_gives_the_caption_as_body()
    {
        var inbound = SingleEvent<WhatsAppInboundMessage>(WebhookPayloads.Message("""
            {"from":"12015550123","id":"wamid.IMG","timestamp":"1700000000","type":"image",
             "image":{"caption":"my policy card","mime_type":"image/jpeg","sha256":"abc","id":"1234"}}
            """));

        Assert.Equal(("image", "my policy card"), (inbound.Kind, inbound.Body));
    }

    [Fact]
    public void Sticker_without_caption_has_an_empty_body()
    {
        var inbound = SingleEvent<WhatsAppInboundMessage>(WebhookPayloads.Message("""
            {"from":"12015550123","id":"wamid.STK","timestamp":"1700000000","type":"sticker","sticker":{"mime_type":"image/webp","id":"99"}}
            """));

        Assert.Equal(("sticker", ""), (inbound.Kind, inbound.Body));
    }

    [Fact]
    public void Failed_status_keeps_the_error_code_and_title()
    {
        var status = SingleEvent<WhatsAppStatusUpdate>(WebhookPayloads.Statuses("""
            {"id":"wamid.OUT","status":"failed","timestamp":"1700000000","recipient_id":"12015550123",
             "errors":[{"code":131047,"title":"Re-engagement message","message":"Re-engagement message",
                        "error_data":{"details":"Message failed to send because more than 24 hours have passed"}}]}
            """));

        Assert.Equal(new WhatsAppStatusUpdate("wamid.OUT", "failed", "131047", "Re-engagement message", At), status);
    }

    [Fact]
    public void Delivered_status_has_no_error()
    {
        var status = SingleEvent<WhatsAppStatusUpdate>(WebhookPayloads.Statuses("""
            {"id":"wamid.OUT","status":"delivered","timestamp":"1700000000","recipient_id":"12015550123"}
            """));

        Assert.Equal(new WhatsAppStatusUpdate("wamid.OUT", "delivered", null, null, At), status);
    }

    [Fact]
    public void User_preferences_stop_becomes_a_stop_from_that_contact()
    {
        var stop = SingleEvent<WhatsAppUserPreferenceStop>(WebhookPayloads.Change("user_preferences", $$$"""
            {"messaging_product":"whatsapp",
             "metadata":{"display_phone_number":"12015550101","phone_number_id":"{{{WebhookPayloads.PhoneNumberId}}}"},
             "contacts":[{"profile":{"name":"Jordan"},"wa_id":"12015550123"}],
             "user_preferences":[{"wa_id":"12015550123","detail":"User requested to stop marketing messages",
                                  "category":"marketing_messages","value":"stop","timestamp":1700000000}]}
            """));

        Assert.Equal(new WhatsAppUserPreferenceStop("+12015550123", At, "+12015550101", WebhookPayloads.PhoneNumberId), stop);
    }

    [Fact]
    public void User_preferences_resume_is_not_a_stop()
    {
        Assert.Empty(Events(WebhookPayloads.Change("user_preferences", """
            {"messaging_product":"whatsapp","user_preferences":[{"wa_id":"12015550123","category":"marketing_messages","value":"resume","timestamp":1700000000}]}
            """)));
    }

    [Fact]
    public void Changes_of_other_fields_carry_no_events()
    {
        Assert.Empty(Events(WebhookPayloads.Change("message_template_status_update", """{"event":"APPROVED","message_template_id":1}""")));
    }

    [Fact]
    public void Empty_entry_list_has_no_events()
    {
        Assert.Empty(Events(Encoding.UTF8.GetBytes("""{"object":"whatsapp_business_account","entry":[]}""")));
    }

    [Fact]
    public void Several_messages_and_statuses_in_one_post_all_come_out_in_order()
    {
        var events = Events(WebhookPayloads.Change("messages", $$$"""
            {"metadata":{"display_phone_number":"12015550101","phone_number_id":"{{{WebhookPayloads.PhoneNumberId}}}"},
             "messages":[{"from":"12015550123","id":"wamid.1","type":"text","text":{"body":"one"}},
                         {"from":"12015550124","id":"wamid.2","type":"text","text":{"body":"two"}}],
             "statuses":[{"id":"wamid.OUT","status":"read"}]}
            """));

        Assert.Collection(events,
            e => Assert.Equal("one", Assert.IsType<WhatsAppInboundMessage>(e).Body),
            e => Assert.Equal("+12015550124", Assert.IsType<WhatsAppInboundMessage>(e).From),
            e => Assert.Equal("read", Assert.IsType<WhatsAppStatusUpdate>(e).Status));
    }

    [Fact]
    public void Harness_shaped_text_with_unicode_is_read()
    {
        var inbound = SingleEvent<WhatsAppInboundMessage>(WebhookPayloads.Text("Oui, j'accepte 👍"));

        Assert.Equal("Oui, j'accepte 👍", inbound.Body);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"object\":\"whatsapp_business_account\",\"entry\":[]")]
    [InlineData("{\"object\":\"whatsapp_business_account\",\"entry\":[]} trailing")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("{\"object\":\"page\",\"entry\":[]}")]
    [InlineData("{\"object\":\"whatsapp_business_account\"}")]
    [InlineData("{\"object\":\"whatsapp_business_account\",\"entry\":{}}")]
    [InlineData("{\"object\":\"whatsapp_business_account\",\"entry\":[1]}")]
    public void Garbage_or_another_object_type_is_a_parse_error(string body)
    {
        Assert.False(WhatsAppWebhookParser.TryParse(Encoding.UTF8.GetBytes(body), out var events, out var error));
        Assert.Null(events);
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Fact]
    public void Invalid_utf8_or_a_lone_surrogate_escape_is_a_parse_error()
    {
        var invalidUtf8 = WebhookPayloads.Text("caf_");
        invalidUtf8[Array.LastIndexOf(invalidUtf8, (byte)'_')] = 0xDA;

        Assert.False(WhatsAppWebhookParser.TryParse(invalidUtf8, out _, out _));
        Assert.False(WhatsAppWebhookParser.TryParse(WebhookPayloads.Text("\\uD800"), out _, out var error));
        Assert.Contains("Unicode", error);
    }

    [Fact]
    public void Message_without_an_id_is_a_parse_error()
    {
        var body = WebhookPayloads.Message("""{"from":"12015550123","type":"text","text":{"body":"hi"}}""");

        Assert.False(WhatsAppWebhookParser.TryParse(body, out _, out var error));
        Assert.Contains("id", error);
    }

    [Fact]
    public void Message_without_metadata_is_a_parse_error()
    {
        var body = WebhookPayloads.Change("messages", """{"messages":[{"from":"12015550123","id":"wamid.1","type":"text","text":{"body":"hi"}}]}""");

        Assert.False(WhatsAppWebhookParser.TryParse(body, out _, out var error));
        Assert.Contains("metadata", error);
    }

    private static IReadOnlyList<WhatsAppWebhookEvent> Events(byte[] body)
    {
        Assert.True(WhatsAppWebhookParser.TryParse(body, out var events, out var error), error);
        return events;
    }

    private static T SingleEvent<T>(byte[] body) where T : WhatsAppWebhookEvent =>
        Assert.IsType<T>(Assert.Single(Events(body)));
}
