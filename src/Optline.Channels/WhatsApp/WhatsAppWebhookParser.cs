using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using System.Text.Unicode;

namespace Optline.Channels.WhatsApp;

/// <summary>
/// Reads a Cloud API webhook post (object "whatsapp_business_account"). Changes of fields other than
/// "messages" and "user_preferences" carry nothing for us and are skipped; a message or status without
/// its id, or a body that is not that JSON at all, is an error.
/// </summary>
public static class WhatsAppWebhookParser
{
    private const string BusinessAccountObject = "whatsapp_business_account";

    public static bool TryParse(
        ReadOnlySpan<byte> json,
        [NotNullWhen(true)] out IReadOnlyList<WhatsAppWebhookEvent>? events,
        [NotNullWhen(false)] out string? error)
    {
        events = null;
        error = null;
        if (!Utf8.IsValid(json))
        {
            error = "The body is not valid UTF-8.";
            return false;
        }
        try
        {
            using var document = ParseDocument(json);
            events = ReadRoot(document.RootElement);
            return true;
        }
        catch (JsonException ex)
        {
            error = "The body is not valid JSON: " + ex.Message;
        }
        catch (WebhookShapeException ex)
        {
            error = ex.Message;
        }
        catch (InvalidOperationException ex)
        {
            // Raised by GetString for escapes such as a lone "\uD800" that are no valid text.
            error = "The body has a string that is not valid Unicode: " + ex.Message;
        }
        return false;
    }

    private static JsonDocument ParseDocument(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json.StartsWith("\uFEFF"u8) ? json[3..] : json);
        var document = JsonDocument.ParseValue(ref reader);
        try
        {
            if (reader.Read())
                throw new JsonException("Unexpected content after the JSON value.");
        }
        catch
        {
            document.Dispose();
            throw;
        }
        return document;
    }

    private static List<WhatsAppWebhookEvent> ReadRoot(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || OptionalString(root, "object") != BusinessAccountObject)
            throw new WebhookShapeException($"Not a WhatsApp webhook: \"object\" must be \"{BusinessAccountObject}\".");

        var events = new List<WhatsAppWebhookEvent>();
        foreach (var entry in RequiredArray(root, "entry"))
        {
            foreach (var change in OptionalArray(Object(entry, "entry"), "changes"))
            {
                var value = OptionalObject(Object(change, "changes[]"), "value");
                if (value is null)
                    continue;
                switch (OptionalString(change, "field"))
                {
                    case "messages":
                        ReadMessagesChange(value.Value, events);
                        break;
                    case "user_preferences":
                        ReadUserPreferences(value.Value, events);
                        break;
                }
            }
        }
        return events;
    }

    private static void ReadMessagesChange(JsonElement value, List<WhatsAppWebhookEvent> events)
    {
        var messages = OptionalArray(value, "messages");
        if (messages.Count > 0)
        {
            var (displayPhoneNumber, phoneNumberId) = ReadMetadata(value, required: true);
            foreach (var message in messages)
                events.Add(ReadMessage(Object(message, "messages[]"), displayPhoneNumber!, phoneNumberId!));
        }
        foreach (var status in OptionalArray(value, "statuses"))
            events.Add(ReadStatus(Object(status, "statuses[]")));
    }

    private static WhatsAppInboundMessage ReadMessage(JsonElement message, string displayPhoneNumber, string phoneNumberId)
    {
        var id = RequiredString(message, "id", "messages[]");
        var from = WithPlus(RequiredString(message, "from", "messages[]"));
        var kind = RequiredString(message, "type", "messages[]");
        var (body, payload) = ReadContent(message, kind);
        return new WhatsAppInboundMessage(id, from, displayPhoneNumber, phoneNumberId, body, kind, ReadTimestamp(message), payload);
    }

    private static (string Body, string? Payload) ReadContent(JsonElement message, string kind)
    {
        var content = OptionalObject(message, kind);
        if (content is not { } part)
            return ("", null);
        return kind switch
        {
            "text" => (OptionalString(part, "body") ?? "", null),
            "button" => (OptionalString(part, "text") ?? "", OptionalString(part, "payload")),
            "interactive" => ReadInteractiveReply(part),
            _ => (OptionalString(part, "caption") ?? "", null),
        };
    }

    private static (string Body, string? Payload) ReadInteractiveReply(JsonElement interactive)
    {
        var reply = OptionalString(interactive, "type") is { } replyType ? OptionalObject(interactive, replyType) : null;
        return reply is { } chosen ? (OptionalString(chosen, "title") ?? "", OptionalString(chosen, "id")) : ("", null);
    }

    private static WhatsAppStatusUpdate ReadStatus(JsonElement status)
    {
        var id = RequiredString(status, "id", "statuses[]");
        var state = RequiredString(status, "status", "statuses[]");
        string? errorCode = null, errorTitle = null;
        if (OptionalArray(status, "errors") is [var first, ..] && first.ValueKind == JsonValueKind.Object)
        {
            errorCode = OptionalScalar(first, "code");
            errorTitle = OptionalString(first, "title") ?? OptionalString(first, "message");
        }
        return new WhatsAppStatusUpdate(id, state, errorCode, errorTitle, ReadTimestamp(status));
    }

    private static void ReadUserPreferences(JsonElement value, List<WhatsAppWebhookEvent> events)
    {
        var (displayPhoneNumber, phoneNumberId) = ReadMetadata(value, required: false);
        foreach (var preference in OptionalArray(value, "user_preferences"))
        {
            var item = Object(preference, "user_preferences[]");
            if (!string.Equals(OptionalString(item, "value"), "stop", StringComparison.OrdinalIgnoreCase))
                continue;
            var from = WithPlus(RequiredString(item, "wa_id", "user_preferences[]"));
            events.Add(new WhatsAppUserPreferenceStop(from, ReadTimestamp(item), displayPhoneNumber, phoneNumberId));
        }
    }

    private static (string? DisplayPhoneNumber, string? PhoneNumberId) ReadMetadata(JsonElement value, bool required)
    {
        var metadata = OptionalObject(value, "metadata");
        var display = metadata is { } m ? OptionalString(m, "display_phone_number") : null;
        var phoneNumberId = metadata is { } n ? OptionalScalar(n, "phone_number_id") : null;
        if (required && (string.IsNullOrWhiteSpace(display) || string.IsNullOrWhiteSpace(phoneNumberId)))
            throw new WebhookShapeException("metadata.display_phone_number and metadata.phone_number_id are required with messages.");
        return (display is null ? null : WithPlus(display), phoneNumberId);
    }

    /// <summary>Meta writes numbers as digits (display numbers sometimes with spaces or dashes); we use E.164.</summary>
    private static string WithPlus(string number)
    {
        var digits = string.Concat(number.Where(char.IsAsciiDigit));
        return digits.Length > 0 ? "+" + digits : throw new WebhookShapeException($"'{number}' is not a phone number.");
    }

    private static DateTimeOffset? ReadTimestamp(JsonElement element) =>
        OptionalScalar(element, "timestamp") is { } text
        && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
        && seconds <= DateTimeOffset.MaxValue.ToUnixTimeSeconds()
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;

    private static JsonElement Object(JsonElement element, string where) =>
        element.ValueKind == JsonValueKind.Object ? element : throw new WebhookShapeException($"{where} must be an object.");

    private static JsonElement? OptionalObject(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? value : null;

    private static List<JsonElement> RequiredArray(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? [.. value.EnumerateArray()]
            : throw new WebhookShapeException($"\"{name}\" must be an array.");

    private static List<JsonElement> OptionalArray(JsonElement parent, string name)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            return [];
        return value.ValueKind == JsonValueKind.Array
            ? [.. value.EnumerateArray()]
            : throw new WebhookShapeException($"\"{name}\" must be an array.");
    }

    private static string? OptionalString(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>A string, or a number as written (Meta sends codes and timestamps either way).</summary>
    private static string? OptionalScalar(JsonElement parent, string name) =>
        !parent.TryGetProperty(name, out var value) ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : value.ValueKind == JsonValueKind.Number ? value.GetRawText()
        : null;

    private static string RequiredString(JsonElement parent, string name, string where) =>
        OptionalString(parent, name) is { Length: > 0 } value
            ? value
            : throw new WebhookShapeException($"{where}.{name} is required.");

    private sealed class WebhookShapeException(string message) : Exception(message);
}
