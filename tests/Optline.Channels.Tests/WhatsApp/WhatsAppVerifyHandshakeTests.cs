using Optline.Channels.WhatsApp;

namespace Optline.Channels.Tests.WhatsApp;

public sealed class WhatsAppVerifyHandshakeTests
{
    [Fact]
    public void Subscribe_with_our_verify_token_echoes_the_challenge()
    {
        Assert.Equal("1158201444", WhatsAppVerifyHandshake.Challenge("subscribe", "wa-verify-bars", "1158201444", "wa-verify-bars"));
    }

    [Theory]
    [InlineData("subscribe", "wrong-token", "123")]
    [InlineData("subscribe", null, "123")]
    [InlineData("subscribe", "wa-verify-bar", "123")]
    [InlineData("unsubscribe", "wa-verify-bars", "123")]
    [InlineData(null, "wa-verify-bars", "123")]
    [InlineData("subscribe", "wa-verify-bars", "")]
    [InlineData("subscribe", "wa-verify-bars", null)]
    public void Anything_else_is_refused(string? mode, string? token, string? challenge)
    {
        Assert.Null(WhatsAppVerifyHandshake.Challenge(mode, token, challenge, "wa-verify-bars"));
    }

    [Fact]
    public void An_unconfigured_verify_token_refuses_even_an_empty_one()
    {
        Assert.Null(WhatsAppVerifyHandshake.Challenge("subscribe", "", "123", ""));
    }
}
