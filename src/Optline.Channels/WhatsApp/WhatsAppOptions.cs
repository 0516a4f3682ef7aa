namespace Optline.Channels.WhatsApp;

public sealed class WhatsAppOptions
{
    public const string SectionName = "Optline:WhatsApp";

    /// <summary>Signs the webhook posts (X-Hub-Signature-256).</summary>
    public string AppSecret { get; set; } = "";

    /// <summary>Echoed back by Meta in the GET verify handshake.</summary>
    public string VerifyToken { get; set; } = "";

    public string AccessToken { get; set; } = "";

    public string PhoneNumberId { get; set; } = "";

    /// <summary>The Graph API root including its version.</summary>
    public string ApiBaseUrl { get; set; } = "https://graph.facebook.com/v21.0";

    public string OptInTemplateName { get; set; } = "optline_opt_in_request";

    public string OptInTemplateLanguage { get; set; } = "en_US";
}
