using System.Text;
using CsCheck;
using Optline.Channels.Tests.WhatsApp;
using Optline.Channels.Twilio;
using Optline.Channels.WhatsApp;

namespace Optline.Channels.Tests;

/// <summary>Whatever arrives at a webhook, the parsers answer with a result or their parse error, never an exception.</summary>
public sealed class ParsersNeverCrashProperties
{
    private static readonly byte[][] ValidBodies =
    [
        WebhookPayloads.Text("YES"),
        WebhookPayloads.Statuses("""{"id":"wamid.OUT","status":"failed","errors":[{"code":131047,"title":"Re-engagement message"}]}"""),
        WebhookPayloads.Change("user_preferences", """{"user_preferences":[{"wa_id":"12015550123","value":"stop","timestamp":"1700000000"}]}"""),
    ];

    // Characters that make JSON interesting when sprinkled anywhere.
    private static readonly Gen<char> JsonishChar = Gen.Char["{}[]\":,0123456789.-+eEtrufalsn \\u/abwhatsapp_business_accountentrychangesmessagesfieldvalue"];

    [Fact]
    public void Random_bytes_never_crash_the_whatsapp_parser()
    {
        Gen.Byte.Array[0, 512].Sample(bytes => AssertParsesOrReportsError(bytes), iter: 2000);
    }

    [Fact]
    public void Random_json_like_text_never_crashes_the_whatsapp_parser()
    {
        Gen.String[JsonishChar, 0, 256].Sample(text => AssertParsesOrReportsError(Encoding.UTF8.GetBytes(text)), iter: 2000);
    }

    [Fact]
    public void Truncated_or_mutated_real_payloads_never_crash_the_whatsapp_parser()
    {
        var mutated =
            from body in Gen.OneOf(ValidBodies)
            from cut in Gen.Int[0, 1000]
            from position in Gen.Int[0, 1000]
            from replacement in Gen.Byte
            select Mutate(body, cut, position, replacement);

        mutated.Sample(bytes => AssertParsesOrReportsError(bytes), iter: 3000);
    }

    [Fact]
    public void Random_forms_never_crash_the_twilio_parsers()
    {
        var key = Gen.OneOf("MessageSid", "SmsSid", "From", "To", "Body", "NumMedia", "MediaUrl0", "MediaUrl1", "MessageStatus", "ErrorCode", "OptOutType", "x");
        var value = Gen.OneOf(Gen.String, Gen.Int.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), Gen.Const(""));

        Gen.Dictionary(key, value)[0, 12].Sample(form =>
        {
            var inbound = TwilioInboundMessage.TryParse(form, out var message, out var inboundError);
            Assert.True(inbound ? message is not null && message.MediaUrls.Count <= message.NumMedia : !string.IsNullOrEmpty(inboundError));
            var status = TwilioStatusCallback.TryParse(form, out var callback, out var statusError);
            Assert.True(status ? callback is not null : !string.IsNullOrEmpty(statusError));
        }, iter: 2000);
    }

    [Fact]
    public void Random_signature_headers_never_crash_or_pass_the_whatsapp_check()
    {
        var signature = new WhatsAppSignature("secret");
        Gen.Select(Gen.String, Gen.Byte.Array[0, 64]).Sample((header, body) =>
            Assert.False(signature.IsValid(body, header)), iter: 2000);
    }

    private static void AssertParsesOrReportsError(byte[] bytes)
    {
        var parsed = WhatsAppWebhookParser.TryParse(bytes, out var events, out var error);
        Assert.True(parsed ? events is not null : !string.IsNullOrEmpty(error));
    }

    private static byte[] Mutate(byte[] body, int cut, int position, byte replacement)
    {
        var copy = body[..(cut % (body.Length + 1))];
        if (copy.Length > 0)
            copy[position % copy.Length] = replacement;
        return copy;
    }
}
