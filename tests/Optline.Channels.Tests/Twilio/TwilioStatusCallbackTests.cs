using Optline.Channels.Twilio;

namespace Optline.Channels.Tests.Twilio;

public sealed class TwilioStatusCallbackTests
{
    [Fact]
    public void Failed_delivery_report_keeps_the_error_code()
    {
        var form = new Dictionary<string, string>
        {
            ["MessageSid"] = "SM1",
            ["MessageStatus"] = "undelivered",
            ["ErrorCode"] = "30003",
            ["To"] = "+12015550123",
        };

        Assert.True(TwilioStatusCallback.TryParse(form, out var callback, out _));
        Assert.Equal(new TwilioStatusCallback("SM1", "undelivered", "30003"), callback);
        Assert.True(callback.IsFailure);
        Assert.True(callback.IsFinal);
    }

    [Fact]
    public void Delivered_report_has_no_error()
    {
        var form = new Dictionary<string, string> { ["MessageSid"] = "SM1", ["MessageStatus"] = "delivered", ["ErrorCode"] = "" };

        Assert.True(TwilioStatusCallback.TryParse(form, out var callback, out _));
        Assert.Null(callback!.ErrorCode);
        Assert.False(callback.IsFailure);
    }

    [Fact]
    public void Legacy_sms_status_is_read_when_message_status_is_absent()
    {
        var form = new Dictionary<string, string> { ["SmsSid"] = "SM1", ["SmsStatus"] = "Sent" };

        Assert.True(TwilioStatusCallback.TryParse(form, out var callback, out _));
        Assert.Equal(new TwilioStatusCallback("SM1", "sent", null), callback);
    }

    [Fact]
    public void Report_without_sid_or_status_is_an_error()
    {
        Assert.False(TwilioStatusCallback.TryParse(new Dictionary<string, string> { ["MessageStatus"] = "sent" }, out _, out var noSid));
        Assert.Contains("MessageSid", noSid);
        Assert.False(TwilioStatusCallback.TryParse(new Dictionary<string, string> { ["MessageSid"] = "SM1" }, out _, out var noStatus));
        Assert.Contains("MessageStatus", noStatus);
    }
}
