using System.Globalization;
using Optline.Core.Phones;

namespace Optline.Server.Tests.Infrastructure;

/// <summary>The test kit checks itself: its numbers are valid and its signatures match the carriers' published vectors.</summary>
public sealed class InfrastructureTests
{
    [Theory]
    [InlineData("+1201555")]
    [InlineData("+1212555")]
    public void Every_number_a_test_server_hands_out_is_a_valid_number(string prefix)
    {
        foreach (var n in Enumerable.Range(1, 99))
        {
            var number = prefix + "01" + n.ToString("00", CultureInfo.InvariantCulture);
            Assert.True(PhoneNumbers.TryNormalize(number, out var e164, out var error), $"{number}: {error}");
            Assert.Equal(number, e164);
        }
    }

    [Fact]
    public void Twilio_signature_matches_twilios_documented_example()
    {
        // https://www.twilio.com/docs/usage/webhooks/webhooks-security: auth token 12345.
        var form = new Dictionary<string, string>
        {
            ["CallSid"] = "CA1234567890ABCDE",
            ["Caller"] = "+12349013030",
            ["Digits"] = "1234",
            ["From"] = "+12349013030",
            ["To"] = "+18005551212",
        };

        Assert.Equal("0/KCTR6DLpKmkAf8muzZqo1nDgQ=", WebhookSigning.Twilio("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", form));
    }

    [Fact]
    public void WhatsApp_signature_matches_a_vector_computed_independently()
    {
        var raw = System.Text.Encoding.UTF8.GetBytes(WhatsAppVector.Body);

        Assert.Equal(WhatsAppVector.Signature, WebhookSigning.WhatsApp(OptlineTestServer.WhatsAppAppSecret, raw));
    }
}
