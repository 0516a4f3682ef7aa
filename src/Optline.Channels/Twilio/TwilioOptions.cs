namespace Optline.Channels.Twilio;

public sealed class TwilioOptions
{
    public const string SectionName = "Optline:Twilio";

    public string AccountSid { get; set; } = "";

    public string AuthToken { get; set; } = "";

    /// <summary>Where the SDK's requests really go; any other value than the default is reached by rewriting the host.</summary>
    public string ApiBaseUrl { get; set; } = "https://api.twilio.com";

    /// <summary>The public URL Twilio calls us on; webhook signatures are computed over it.</summary>
    public string PublicBaseUrl { get; set; } = "";
}
