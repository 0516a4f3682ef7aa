using Optline.Channels.Twilio;

namespace Optline.Channels.Tests.Twilio;

public sealed class TwilioInboundMessageTests
{
    [Fact]
    public void Text_message_is_read_from_the_form()
    {
        var parsed = TwilioInboundMessage.TryParse(Form(("Body", "YES")), out var message, out var error);

        Assert.True(parsed, error);
        Assert.Equal("SM1", message!.MessageSid);
        Assert.Equal("+12015550123", message.From);
        Assert.Equal("+12015550101", message.To);
        Assert.Equal("YES", message.Body);
        Assert.Equal(0, message.NumMedia);
        Assert.Empty(message.MediaUrls);
        Assert.Null(message.OptOutType);
    }

    [Fact]
    public void Media_only_message_is_valid_with_an_empty_body()
    {
        var parsed = TwilioInboundMessage.TryParse(
            Form(("Body", ""), ("NumMedia", "2"), ("MediaUrl0", "https://api.twilio.com/m/0"), ("MediaUrl1", "https://api.twilio.com/m/1")),
            out var message, out _);

        Assert.True(parsed);
        Assert.Equal("", message!.Body);
        Assert.Equal(2, message.NumMedia);
        Assert.Equal(["https://api.twilio.com/m/0", "https://api.twilio.com/m/1"], message.MediaUrls);
    }

    [Fact]
    public void Missing_body_reads_as_empty()
    {
        Assert.True(TwilioInboundMessage.TryParse(Form(), out var message, out _));
        Assert.Equal("", message!.Body);
    }

    [Fact]
    public void Advanced_opt_out_type_is_kept()
    {
        Assert.True(TwilioInboundMessage.TryParse(Form(("Body", "stop"), ("OptOutType", "STOP")), out var message, out _));
        Assert.Equal("STOP", message!.OptOutType);
    }

    [Theory]
    [InlineData("MessageSid")]
    [InlineData("From")]
    [InlineData("To")]
    public void Missing_identifying_field_is_an_error_naming_it(string field)
    {
        var form = Form();
        form.Remove(field);

        Assert.False(TwilioInboundMessage.TryParse(form, out var message, out var error));
        Assert.Null(message);
        Assert.Contains(field, error);
    }

    [Theory]
    [InlineData("two")]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("11")]
    [InlineData("99999999999")]
    public void Num_media_that_is_not_a_small_count_is_an_error(string numMedia)
    {
        Assert.False(TwilioInboundMessage.TryParse(Form(("NumMedia", numMedia)), out _, out var error));
        Assert.Contains("NumMedia", error);
    }

    private static Dictionary<string, string> Form(params (string Key, string Value)[] extra)
    {
        var form = new Dictionary<string, string>
        {
            ["MessageSid"] = "SM1",
            ["AccountSid"] = "AC1",
            ["From"] = "+12015550123",
            ["To"] = "+12015550101",
            ["NumMedia"] = "0",
        };
        foreach (var (key, value) in extra)
            form[key] = value;
        return form;
    }
}
