using System.Globalization;
using System.Text.Json.Nodes;
using Optline.Storage.Organizations;

namespace Optline.Server.Web.Portal;

/// <summary>The settings page's fields, as typed; turned into the same JSON merge patch the API takes.</summary>
public sealed class SettingsForm
{
    public bool SmsOptInRequired { get; set; }

    public string OptOutScope { get; set; } = "line";

    public string? RequestCooldownSeconds { get; set; }

    public string? MaxRequests { get; set; }

    public string? RequestValiditySeconds { get; set; }

    public string? HeldMessageTtlSeconds { get; set; }

    public string? DefaultLanguage { get; set; }

    public string? RetentionDays { get; set; }

    public bool LegalHold { get; set; }

    public static SettingsForm From(OrganizationSettings s) => new()
    {
        SmsOptInRequired = s.SmsOptInRequired,
        OptOutScope = s.OptOutScope,
        RequestCooldownSeconds = Text(s.RequestCooldownSeconds),
        MaxRequests = Text(s.MaxRequests),
        RequestValiditySeconds = Text(s.RequestValiditySeconds),
        HeldMessageTtlSeconds = Text(s.HeldMessageTtlSeconds),
        DefaultLanguage = s.DefaultLanguage,
        RetentionDays = s.RetentionDays is { } days ? Text(days) : string.Empty,
        LegalHold = s.LegalHold,
    };

    /// <summary>
    /// A merge patch of what differs from <paramref name="current"/>; a number that does not parse is passed on as text,
    /// so <c>SettingsPatch.Validate</c> refuses it with the API's own message.
    /// </summary>
    public JsonObject ToPatch(OrganizationSettings current)
    {
        var patch = new JsonObject();
        if (SmsOptInRequired != current.SmsOptInRequired)
        {
            patch["smsOptInRequired"] = SmsOptInRequired;
        }

        if (OptOutScope != current.OptOutScope)
        {
            patch["optOutScope"] = OptOutScope;
        }

        Number(patch, "requestCooldownSeconds", RequestCooldownSeconds, current.RequestCooldownSeconds);
        Number(patch, "maxRequests", MaxRequests, current.MaxRequests);
        Number(patch, "requestValiditySeconds", RequestValiditySeconds, current.RequestValiditySeconds);
        Number(patch, "heldMessageTtlSeconds", HeldMessageTtlSeconds, current.HeldMessageTtlSeconds);
        var language = DefaultLanguage?.Trim() ?? string.Empty;
        if (!string.Equals(language, current.DefaultLanguage, StringComparison.OrdinalIgnoreCase))
        {
            patch["defaultLanguage"] = language;
        }

        var retention = RetentionDays?.Trim() ?? string.Empty;
        if (retention.Length == 0 && current.RetentionDays is not null)
        {
            patch["retentionDays"] = null;
        }
        else if (retention.Length > 0)
        {
            Number(patch, "retentionDays", retention, current.RetentionDays);
        }

        if (LegalHold != current.LegalHold)
        {
            patch["legalHold"] = LegalHold;
        }

        return patch;
    }

    private static void Number(JsonObject patch, string name, string? text, long? current)
    {
        var trimmed = text?.Trim() ?? string.Empty;
        if (!long.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            patch[name] = trimmed;
        }
        else if (value != current)
        {
            patch[name] = value;
        }
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
