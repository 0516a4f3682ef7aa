using System.Security.Cryptography;
using System.Text;
using Optline.Channels.WhatsApp;

namespace Optline.Channels.Tests.WhatsApp;

public sealed class WhatsAppSignatureTests
{
    private const string Secret = "wa-app-secret-bars";
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"object":"whatsapp_business_account","entry":[]}""");

    private static string Expected(string secret, byte[] body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    [Fact]
    public void Hmac_sha256_of_the_raw_body_under_the_app_secret_validates()
    {
        Assert.True(new WhatsAppSignature(Secret).IsValid(Body, Expected(Secret, Body)));
    }

    [Fact]
    public void Uppercase_hex_validates_too()
    {
        var header = "sha256=" + Expected(Secret, Body)["sha256=".Length..].ToUpperInvariant();

        Assert.True(new WhatsAppSignature(Secret).IsValid(Body, header));
    }

    [Fact]
    public void Signature_made_with_another_secret_is_refused()
    {
        Assert.False(new WhatsAppSignature(Secret).IsValid(Body, Expected("another-secret", Body)));
    }

    [Fact]
    public void Tampered_body_is_refused()
    {
        var tampered = Body.ToArray();
        tampered[^2] = (byte)'{';

        Assert.False(new WhatsAppSignature(Secret).IsValid(tampered, Expected(Secret, Body)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("sha256=")]
    [InlineData("sha1=0123456789abcdef0123456789abcdef01234567")]
    [InlineData("sha256=zz23456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("sha256=0123456789abcdef")]
    public void Missing_or_malformed_header_is_refused(string? header)
    {
        Assert.False(new WhatsAppSignature(Secret).IsValid(Body, header));
    }

    [Fact]
    public void Sign_produces_the_header_meta_sends()
    {
        Assert.Equal(Expected(Secret, Body), new WhatsAppSignature(Secret).Sign(Body));
    }
}
