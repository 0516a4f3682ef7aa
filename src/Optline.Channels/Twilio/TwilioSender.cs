using System.Globalization;
using Optline.Channels.Sending;
using Optline.Core.Consent;
using Twilio.Clients;
using Twilio.Exceptions;
using Twilio.Rest.Api.V2010.Account;
using Twilio.Types;
using SystemNetHttpClient = Twilio.Http.SystemNetHttpClient;
using TwilioResponse = Twilio.Http.Response;

namespace Optline.Channels.Twilio;

/// <summary>Sends SMS through the official Twilio SDK, against <see cref="TwilioOptions.ApiBaseUrl"/>.</summary>
public sealed class TwilioSender : IChannelSender
{
    /// <summary>Twilio's "Attempt to send to unsubscribed recipient": the contact texted STOP to Twilio.</summary>
    public const int UnsubscribedRecipientErrorCode = 21610;

    private readonly HttpClient _sdkHttp;
    private readonly TwilioOptions _options;

    /// <param name="http">The transport; requests reach it already rewritten to the configured API base URL.</param>
    public TwilioSender(HttpClient http, TwilioOptions options)
    {
        _options = options;
        var rewrite = new TwilioApiBaseUrlHandler(new Uri(options.ApiBaseUrl)) { InnerHandler = new ForwardingHandler(http) };
        // The transport's own timeout applies; this client only routes.
        _sdkHttp = new HttpClient(rewrite) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public async Task<SendResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        if (message.Channel != Channel.Sms)
            return SendResult.Permanent($"The Twilio sender sends SMS only, not {message.Channel}.");
        cancellationToken.ThrowIfCancellationRequested();

        return await HttpFailure.OnceMoreIfConnectionFailedAsync(() => SendOnceAsync(message, cancellationToken));
    }

    /// <summary>One call to Twilio; <c>ConnectionFailed</c> when the connection failed under it (see <see cref="HttpFailure.IsConnection"/>).</summary>
    private async Task<(SendResult Result, bool ConnectionFailed)> SendOnceAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        // One SDK client per send, so that LastResponse (status, Retry-After) belongs to this send.
        var sdkTransport = new SystemNetHttpClient(_sdkHttp);
        var client = new TwilioRestClient(_options.AccountSid, _options.AuthToken, httpClient: sdkTransport);
        ForwardingHandler.UseForCurrentSend(cancellationToken);
        try
        {
            var created = await MessageResource.CreateAsync(ToCreateOptions(message), client);
            return (SendResult.Sent(created.Sid), false);
        }
        catch (ApiException ex)
        {
            return (Classify(ex, sdkTransport.LastResponse), false);
        }
        catch (Exception ex) when (ex is ApiConnectionException || HttpFailure.IsTransport(ex, cancellationToken))
        {
            cancellationToken.ThrowIfCancellationRequested();
            return (SendResult.Transient("Twilio could not be reached: " + (ex.InnerException ?? ex).Message), HttpFailure.IsConnection(ex));
        }
    }

    private static CreateMessageOptions ToCreateOptions(OutboundMessage message)
    {
        var options = new CreateMessageOptions(new PhoneNumber(message.To))
        {
            From = new PhoneNumber(message.From),
            Body = message.Body,
        };
        if (message.StatusCallbackUrl is { Length: > 0 } callback)
            options.StatusCallback = new Uri(callback);
        return options;
    }

    private static SendResult Classify(ApiException ex, TwilioResponse? response)
    {
        // Status is 0 when the error body was not Twilio's JSON; the raw response still has it.
        var status = ex.Status != 0 ? ex.Status : (int?)response?.StatusCode ?? 0;
        if (status is >= 200 and < 300)
            return new SendResult(SendOutcome.Sent, Error: "Twilio accepted the message but its answer could not be read: " + ex.Message);

        var code = ex.Code != 0 ? ex.Code.ToString(CultureInfo.InvariantCulture) : null;
        var error = $"Twilio answered {status}: {ex.Message}";
        if (ex.Code == UnsubscribedRecipientErrorCode)
            return SendResult.OptedOut(error, code);
        if (status == 0 || HttpFailure.IsRetryableStatus(status))
            return SendResult.Transient(error, code, status == 429 ? RetryAfterHeader.From(response?.Headers) : null);
        return SendResult.Permanent(error, code);
    }
}
