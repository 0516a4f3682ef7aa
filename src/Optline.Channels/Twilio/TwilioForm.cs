using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Optline.Channels.Twilio;

public static class TwilioForm
{
    /// <summary>Twilio sends each field once; a repeated field keeps its first value.</summary>
    public static IReadOnlyDictionary<string, string> FirstValues(IFormCollection form)
    {
        var fields = new Dictionary<string, string>(form.Count, StringComparer.Ordinal);
        foreach (var (key, values) in form)
            fields[key] = values.Count > 0 ? values[0] ?? "" : "";
        return fields;
    }

    /// <summary>The same from a raw <c>application/x-www-form-urlencoded</c> body, decoded as <c>QueryHelpers.ParseQuery</c> decodes it.</summary>
    public static Dictionary<string, string> FirstValues(string body)
    {
        var fields = new Dictionary<string, string>(body.Count(c => c == '&') + 1, StringComparer.Ordinal);
        foreach (var field in new QueryStringEnumerable(body))
            fields.TryAdd(field.DecodeName().ToString(), field.DecodeValue().ToString());
        return fields;
    }

    public static string? Field(IReadOnlyDictionary<string, string> form, string name) =>
        form.TryGetValue(name, out var value) ? value : null;

    public static string? NonEmptyField(IReadOnlyDictionary<string, string> form, string name) =>
        form.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;
}
