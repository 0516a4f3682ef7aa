using System.Text;

namespace Optline.Channels.Tests.WhatsApp;

/// <summary>Cloud API webhook bodies shaped as Meta sends them.</summary>
internal static class WebhookPayloads
{
    public const string PhoneNumberId = "109000000000001";

    public static byte[] Change(string field, string value) => Encoding.UTF8.GetBytes(
        "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"102290129340398\",\"changes\":[{\"field\":\""
        + field + "\",\"value\":" + value + "}]}]}");

    public static byte[] Message(string message) => Change("messages", $$$"""
        {"messaging_product":"whatsapp",
         "metadata":{"display_phone_number":"12015550101","phone_number_id":"{{{PhoneNumberId}}}"},
         "contacts":[{"profile":{"name":"Jordan"},"wa_id":"12015550123"}],
         "messages":[{{{message}}}]}
        """);

    public static byte[] Statuses(string status) => Change("messages", $$$"""
        {"messaging_product":"whatsapp",
         "metadata":{"display_phone_number":"12015550101","phone_number_id":"{{{PhoneNumberId}}}"},
         "statuses":[{{{status}}}]}
        """);

    public static byte[] Text(string body) => Message($$$"""
        {"from":"12015550123","id":"wamid.HBgL","timestamp":"1700000000","type":"text","text":{"body":"{{{body}}}"}}
        """);
}
