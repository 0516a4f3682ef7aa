using Optline.Server.Settings;

namespace Optline.Server.Web.Portal;

/// <summary>Shows a settings validation error next to its field, in words that read well under the field's label.</summary>
public static class PortalErrors
{
    public static string ForField(SettingsError error)
    {
        var message = error.Message.StartsWith(error.Field + " ", StringComparison.Ordinal) ? error.Message[(error.Field.Length + 1)..] : error.Message;
        return message.Length == 0 ? message : char.ToUpperInvariant(message[0]) + message[1..];
    }
}
