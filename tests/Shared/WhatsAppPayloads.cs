using System.Text.Json;

namespace Optline.Tests.Shared;

/// <summary>
/// WhatsApp Cloud API webhook bodies as Meta sends them (numbers written as digits, without '+'), for the tests that
/// drive the server's webhook.
/// </summary>
internal static class WhatsAppPayloads
{
    /// <summary>A "messages" webhook with one text message.</summary>
    public static byte[] Text(string phoneNumberId, string from, string line, string body, string wamid, string timestamp) =>
        Change("messages", new
        {
            messaging_product = "whatsapp",
            metadata = new { display_phone_number = line.TrimStart('+'), phone_number_id = phoneNumberId },
            contacts = new[] { new { profile = new { name = "Jordan" }, wa_id = from.TrimStart('+') } },
            messages = new[] { new { from = from.TrimStart('+'), id = wamid, timestamp, type = "text", text = new { body } } },
        });

    /// <summary>One change of one entry of the business account, as every Cloud API webhook wraps it.</summary>
    public static byte[] Change(string field, object value) => JsonSerializer.SerializeToUtf8Bytes(new
    {
        @object = "whatsapp_business_account",
        entry = new[] { new { id = "102290129340398", changes = new[] { new { field, value } } } },
    });
}
