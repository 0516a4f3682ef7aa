using System.Globalization;
using Optline.Core.Consent;

namespace Optline.Server.Web.Shared;

/// <summary>How states, channels and times read on screen.</summary>
public static class Display
{
    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC";

    public static string Time(DateTimeOffset? at) => at is { } value ? Time(value) : "—";

    public static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    public static string Channel(Channel channel) => channel == Core.Consent.Channel.WhatsApp ? "WhatsApp" : "SMS";

    public static string State(ConsentState state) => state switch
    {
        ConsentState.Pending => "Pending opt-in",
        ConsentState.OptedIn => "Opted in",
        ConsentState.OptedOut => "Opted out",
        _ => "No consent yet",
    };

    /// <summary>The CSS class of a consent badge.</summary>
    public static string StateClass(ConsentState state) => "badge state-" + state.Name();

    public static string Seconds(long seconds) => seconds switch
    {
        0 => "no wait",
        _ when seconds % 86400 == 0 => Plural(seconds / 86400, "day"),
        _ when seconds % 3600 == 0 => Plural(seconds / 3600, "hour"),
        _ when seconds % 60 == 0 => Plural(seconds / 60, "minute"),
        _ => Plural(seconds, "second"),
    };

    private static string Plural(long n, string unit) => string.Create(CultureInfo.InvariantCulture, $"{n} {unit}{(n == 1 ? string.Empty : "s")}");
}
