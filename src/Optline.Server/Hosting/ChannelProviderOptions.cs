namespace Optline.Server.Hosting;

/// <summary><c>Optline__Sms__Provider</c> (<c>simulator</c> or <c>twilio</c>) and <c>Optline__WhatsApp__Provider</c> (<c>simulator</c> or <c>cloudapi</c>).</summary>
public sealed class ChannelProviderOptions
{
    public string Sms { get; set; } = "simulator";

    public string WhatsApp { get; set; } = "simulator";

    public bool SmsIsTwilio => string.Equals(Sms, "twilio", StringComparison.OrdinalIgnoreCase);

    public bool WhatsAppIsCloudApi => string.Equals(WhatsApp, "cloudapi", StringComparison.OrdinalIgnoreCase);

    public bool AnySimulated => !SmsIsTwilio || !WhatsAppIsCloudApi;

    public string? Validate()
    {
        if (!SmsIsTwilio && !string.Equals(Sms, "simulator", StringComparison.OrdinalIgnoreCase))
        {
            return $"Optline__Sms__Provider must be 'simulator' or 'twilio', not '{Sms}'.";
        }

        return !WhatsAppIsCloudApi && !string.Equals(WhatsApp, "simulator", StringComparison.OrdinalIgnoreCase)
            ? $"Optline__WhatsApp__Provider must be 'simulator' or 'cloudapi', not '{WhatsApp}'."
            : null;
    }
}

/// <summary><c>Optline__Bootstrap__*</c>: the first organization and admin key, created on an empty database.</summary>
public sealed class BootstrapOptions
{
    public string? AdminApiKey { get; set; }

    public string OrganizationName { get; set; } = "My Organization";
}
