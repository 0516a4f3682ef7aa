using Optline.Core.Keywords;
using Optline.Core.Templates;

namespace Optline.Core.Consent;

/// <summary>An organization's consent settings (PRODUCT.md §2–§5), as of one settings version.</summary>
public sealed record ConsentPolicy
{
    public static readonly ConsentPolicy Default = new();

    public int SettingsVersion { get; init; }

    public bool SmsOptInRequired { get; init; } = true;

    public OptOutScope OptOutScope { get; init; } = OptOutScope.Line;

    public TimeSpan RequestCooldown { get; init; } = TimeSpan.FromHours(24);

    public int MaxRequests { get; init; } = 3;

    public TimeSpan RequestValidity { get; init; } = TimeSpan.FromDays(30);

    public TimeSpan HeldMessageTtl { get; init; } = TimeSpan.FromDays(7);

    /// <summary>WhatsApp's customer-service window: free-form text only this long after the contact last wrote.</summary>
    public TimeSpan WhatsAppWindow { get; init; } = TimeSpan.FromHours(24);

    public string DefaultLanguage { get; init; } = DefaultTemplates.Language;

    public TemplateSet Templates { get; init; } = TemplateSet.Defaults;

    public KeywordClassifier Classifier { get; init; } = KeywordClassifier.Default;

    /// <summary>WhatsApp is always gated; SMS when the organization requires opt-in.</summary>
    public bool IsGated(Channel channel) => channel == Channel.WhatsApp || SmsOptInRequired;
}
