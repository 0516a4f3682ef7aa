using System.Net.Http.Headers;
using System.Text.Json;
using Optline.Channels.Sending;
using Optline.Core.Consent;

namespace Optline.Channels.WhatsApp;

/// <summary>Sends through the Cloud API: POST {ApiBaseUrl}/{PhoneNumberId}/messages.</summary>
public sealed class WhatsAppSender(HttpClient http, WhatsAppOptions options) : IChannelSender
{
    private readonly Uri _messagesUrl = new($"{options.ApiBaseUrl.TrimEnd('/')}/{options.PhoneNumberId}/messages");

    public async Task<SendResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        if (message.Channel != Channel.WhatsApp)
            return SendResult.Permanent($"The WhatsApp sender sends WhatsApp only, not {message.Channel}.");

        return await HttpFailure.OnceMoreIfConnectionFailedAsync(() => SendOnceAsync(message, cancellationToken));
    }

    /// <summary>One call to the Cloud API; <c>ConnectionFailed</c> when the connection failed under it (see <see cref="HttpFailure.IsConnection"/>).</summary>
    private async Task<(SendResult Result, bool ConnectionFailed)> SendOnceAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _messagesUrl)
        {
            Content = new ByteArrayContent(WhatsAppMessageJson.Write(message))
            {
                Headers = { ContentType = new MediaTypeHeaderValue("application/json") },
            },
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.AccessToken);
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            return (response.IsSuccessStatusCode
                ? SendResult.Sent(SentMessageId(body))
                : WhatsAppSendFailure.Classify((int)response.StatusCode, body, RetryAfterHeader.From(response.Headers)), false);
        }
        catch (Exception ex) when (HttpFailure.IsTransport(ex, cancellationToken))
        {
            return (SendResult.Transient("The WhatsApp Cloud API could not be reached: " + ex.Message), HttpFailure.IsConnection(ex));
        }
    }

    private static string? SentMessageId(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("messages", out var messages)
                && messages.ValueKind == JsonValueKind.Array
                && messages.GetArrayLength() > 0
                && messages[0].ValueKind == JsonValueKind.Object
                && messages[0].TryGetProperty("id", out var id)
                && id.ValueKind == JsonValueKind.String
                    ? id.GetString()
                    : null;
        }
        catch (JsonException)
        {
            // Accepted all the same; only the id for matching status updates is lost.
            return null;
        }
    }
}
