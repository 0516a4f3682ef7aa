namespace Optline.Server.Tests.Infrastructure;

/// <summary>A webhook body and its X-Hub-Signature-256 under <see cref="OptlineTestServer.WhatsAppAppSecret"/>, computed with openssl.</summary>
public static class WhatsAppVector
{
    public const string Body = """{"object":"whatsapp_business_account","entry":[]}""";

    // printf '%s' "$Body" | openssl dgst -sha256 -hmac wa-app-secret-test
    public const string Signature = "sha256=04135735b316d9b497ce2918ba5567ef9647bd6b5b44e1e436c5b4f75bb795d3";
}
