using System.Security.Cryptography;
using System.Text;
using Optline.Channels.Twilio;

namespace Optline.Channels.Tests.Twilio;

public sealed class TwilioSignatureTests
{
    private const string DocsUrl = "https://mycompany.com/myapp.php?foo=1&bar=2";

    [Theory]
    // Twilio's webhook security page has printed the example with two caller numbers over the years.
    [InlineData("+14158675310", "GvWf1cFY/Q7PnoempGyD5oXAezc=")]
    [InlineData("+12349013030", "0/KCTR6DLpKmkAf8muzZqo1nDgQ=")]
    public void Twilio_documented_example_signature_validates(string caller, string signature)
    {
        var form = new Dictionary<string, string>
        {
            ["CallSid"] = "CA1234567890ABCDE",
            ["Caller"] = caller,
            ["Digits"] = "1234",
            ["From"] = caller,
            ["To"] = "+18005551212",
        };

        Assert.Equal(signature, HarnessSignature("12345", DocsUrl, form));
        Assert.True(new TwilioSignature("12345").IsValid(DocsUrl, form, signature));
    }

    [Fact]
    public void Signature_made_the_way_the_contract_harness_signs_validates()
    {
        var token = new string('c', 32);
        var url = "http://127.0.0.1:5080/webhooks/twilio";
        var form = InboundForm("Bonjour, ça va? 👋");

        Assert.True(new TwilioSignature(token).IsValid(url, form, HarnessSignature(token, url, form)));
    }

    [Fact]
    public void Tampered_field_wrong_token_or_other_url_is_refused()
    {
        var token = new string('c', 32);
        var url = "https://optline.example/webhooks/twilio";
        var form = InboundForm("YES");
        var signature = HarnessSignature(token, url, form);
        var signer = new TwilioSignature(token);

        Assert.False(signer.IsValid(url, InboundForm("STOP"), signature));
        Assert.False(new TwilioSignature(new string('d', 32)).IsValid(url, form, signature));
        Assert.False(signer.IsValid("https://optline.example/webhooks/twilio/status", form, signature));
    }

    [Fact]
    public void Signature_over_the_url_with_its_default_port_validates_as_the_sdk_accepts_it()
    {
        var token = new string('c', 32);
        var form = InboundForm("YES");
        var signature = HarnessSignature(token, "https://optline.example:443/webhooks/twilio", form);

        Assert.True(new TwilioSignature(token).IsValid("https://optline.example/webhooks/twilio", form, signature));
    }

    [Fact]
    public void Fields_whose_names_differ_only_in_case_are_both_signed()
    {
        var token = new string('c', 32);
        var url = "https://optline.example/webhooks/twilio";
        var form = new Dictionary<string, string>(InboundForm("YES")) { ["body"] = "STOP" };
        var signature = HarnessSignature(token, url, form);

        Assert.True(new TwilioSignature(token).IsValid(url, form, signature));
        Assert.False(new TwilioSignature(token).IsValid(url, InboundForm("YES"), signature));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not base64 at all")]
    public void Missing_or_garbage_signature_is_refused(string? signature)
    {
        var form = InboundForm("YES");

        Assert.False(new TwilioSignature("token").IsValid("https://optline.example/webhooks/twilio", form, signature));
    }

    [Fact]
    public void Signed_url_is_the_public_base_url_plus_path_and_query()
    {
        Assert.Equal("https://optline.example/webhooks/twilio?x=1", TwilioSignature.SignedUrl("https://optline.example/", "/webhooks/twilio?x=1"));
    }

    private static Dictionary<string, string> InboundForm(string body) => new()
    {
        ["MessageSid"] = "SM0123",
        ["AccountSid"] = "AC0123",
        ["From"] = "+12015550123",
        ["To"] = "+12015550101",
        ["Body"] = body,
        ["NumMedia"] = "0",
    };

    /// <summary>The contract harness's algorithm: URL, then each field name and value in name order; HMAC-SHA1; base64.</summary>
    private static string HarnessSignature(string token, string url, IReadOnlyDictionary<string, string> form)
    {
        var signed = new StringBuilder(url);
        foreach (var key in form.Keys.Order(StringComparer.Ordinal))
            signed.Append(key).Append(form[key]);
        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(token), Encoding.UTF8.GetBytes(signed.ToString())));
    }
}
