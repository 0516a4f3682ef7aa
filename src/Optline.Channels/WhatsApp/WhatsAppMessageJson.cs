using System.Text.Json;
using Optline.Channels.Sending;

namespace Optline.Channels.WhatsApp;

/// <summary>The Cloud API request bodies, written field by field so their order is fixed.</summary>
internal static class WhatsAppMessageJson
{
    public static byte[] Write(OutboundMessage message)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("messaging_product", "whatsapp");
            if (message.Template is { } template)
            {
                json.WriteString("to", Digits(message.To));
                json.WriteString("type", "template");
                WriteTemplate(json, template);
            }
            else
            {
                json.WriteString("recipient_type", "individual");
                json.WriteString("to", Digits(message.To));
                json.WriteString("type", "text");
                json.WriteStartObject("text");
                json.WriteBoolean("preview_url", false);
                json.WriteString("body", message.Body);
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static void WriteTemplate(Utf8JsonWriter json, WhatsAppTemplateMessage template)
    {
        json.WriteStartObject("template");
        json.WriteString("name", template.Name);
        json.WriteStartObject("language");
        json.WriteString("code", template.LanguageCode);
        json.WriteEndObject();
        if (template.BodyParameters.Count > 0)
        {
            json.WriteStartArray("components");
            json.WriteStartObject();
            json.WriteString("type", "body");
            json.WriteStartArray("parameters");
            foreach (var parameter in template.BodyParameters)
            {
                json.WriteStartObject();
                json.WriteString("type", "text");
                json.WriteString("text", parameter);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
        }
        json.WriteEndObject();
    }

    /// <summary>The Cloud API takes the recipient as digits, without '+'.</summary>
    private static string Digits(string e164) => e164.Trim().TrimStart('+');
}
