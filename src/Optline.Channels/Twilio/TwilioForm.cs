using Microsoft.AspNetCore.Http;

namespace Optline.Channels.Twilio;

internal static class TwilioForm
{
    /// <summary>Twilio sends each field once; a repeated field keeps its first value.</summary>
    public static IReadOnlyDictionary<string, string> FirstValues(IFormCollection form)
    {
        var fields = new Dictionary<string, string>(form.Count, StringComparer.Ordinal);
        foreach (var (key, values) in form)
            fields[key] = values.Count > 0 ? values[0] ?? "" : "";
        return fields;
    }

    public static string? Field(IReadOnlyDictionary<string, string> form, string name) =>
        form.TryGetValue(name, out var value) ? value : null;

    public static string? NonEmptyField(IReadOnlyDictionary<string, string> form, string name) =>
        form.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;
}
