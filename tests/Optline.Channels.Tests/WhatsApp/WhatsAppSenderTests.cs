using Optline.Channels.Sending;
using Optline.Channels.Tests.Support;
using Optline.Channels.WhatsApp;
using Optline.Core.Consent;

namespace Optline.Channels.Tests.WhatsApp;

public sealed class WhatsAppSenderTests
{
    private const string Accepted = """
        {"messaging_product":"whatsapp","contacts":[{"input":"12015550123","wa_id":"12015550123"}],"messages":[{"id":"wamid.OUT123"}]}
        """;

    private static readonly OutboundMessage Hello = new(Channel.WhatsApp, "+12015550101", "+12015550123", "Hello from Optline");

    [Fact]
    public async Task Text_message_is_posted_to_the_phone_number_messages_edge_with_the_bearer_token()
    {
        await using var carrier = await FakeCarrier.StartAsync(FakeCarrier.Json(200, Accepted));

        var result = await Sender(carrier).SendAsync(Hello, CancellationToken.None);

        Assert.Equal(SendResult.Sent("wamid.OUT123"), result);
        var request = carrier.SingleRequest;
        Assert.Equal("POST", request.Method);
        Assert.Equal($"/v21.0/{WebhookPayloads.PhoneNumberId}/messages", request.Path);
        Assert.Equal("Bearer wa-access-token", request.Authorization);
        Assert.StartsWith("application/json", request.ContentType);
        Assert.Equal(
            """{"messaging_product":"whatsapp","recipient_type":"individual","to":"12015550123","type":"text","text":{"preview_url":false,"body":"Hello from Optline"}}""",
            request.BodyText);
    }

    [Fact]
    public async Task Template_message_carries_the_name_language_and_body_parameters()
    {
        await using var carrier = await FakeCarrier.StartAsync(FakeCarrier.Json(200, Accepted));
        var request = Hello with { Template = new WhatsAppTemplateMessage("optline_opt_in_request", "en_US", ["Alex Morgan"]) };

        var result = await Sender(carrier).SendAsync(request, CancellationToken.None);

        Assert.Equal(SendOutcome.Sent, result.Outcome);
        Assert.Equal(
            """{"messaging_product":"whatsapp","to":"12015550123","type":"template","template":{"name":"optline_opt_in_request","language":{"code":"en_US"},"components":[{"type":"body","parameters":[{"type":"text","text":"Alex Morgan"}]}]}}""",
            carrier.SingleRequest.BodyText);
    }

    [Fact]
    public async Task Server_error_is_transient()
    {
        await using var carrier = await FakeCarrier.StartAsync(FakeCarrier.Json(500, """{"code":20500,"message":"fake outage","status":500}"""));

        var result = await Sender(carrier).SendAsync(Hello, CancellationToken.None);

        Assert.Equal(SendOutcome.TransientFailure, result.Outcome);
    }

    [Fact]
    public async Task Too_many_requests_with_retry_after_is_transient_and_keeps_the_delay()
    {
        await using var carrier = await FakeCarrier.StartAsync(FakeCarrier.Json(429,
            """{"error":{"message":"Rate limit hit","type":"OAuthException","code":130429}}""", ("Retry-After", "7")));

        var result = await Sender(carrier).SendAsync(Hello, CancellationToken.None);

        Assert.Equal((SendOutcome.TransientFailure, "130429", TimeSpan.FromSeconds(7)), (result.Outcome, result.ProviderErrorCode, result.RetryAfter));
    }

    [Fact]
    public async Task Rate_limit_code_is_transient_even_on_a_400()
    {
        await using var carrier = await FakeCarrier.StartAsync(FakeCarrier.Json(400,
            """{"error":{"message":"(#130429) Rate limit hit","type":"OAuthException","code":130429}}"""));

        var result = await Sender(carrier).SendAsync(Hello, CancellationToken.None);

        Assert.Equal(SendOutcome.TransientFailure, result.Outcome);
    }

    [Fact]
    public async Task Outside_the_24_hour_window_is_permanent_and_says_so()
    {
        await using var carrier = await FakeCarrier.StartAsync(FakeCarrier.Json(400, """
            {"error":{"message":"(#131047) Re-engagement message","type":"OAuthException","code":131047,
                      "error_data":{"messaging_product":"whatsapp","details":"Message failed to send because more than 24 hours have passed since the customer last replied to this number."}}}
            """));

        var result = await Sender(carrier).SendAsync(Hello, CancellationToken.None);

        Assert.Equal((SendOutcome.PermanentFailure, "131047"), (result.Outcome, result.ProviderErrorCode));
        Assert.Contains("24-hour", result.Error);
    }

    [Fact]
    public async Task Other_client_error_is_permanent()
    {
        await using var carrier = await FakeCarrier.StartAsync(FakeCarrier.Json(401,
            """{"error":{"message":"Error validating access token","type":"OAuthException","code":190}}"""));

        var result = await Sender(carrier).SendAsync(Hello, CancellationToken.None);

        Assert.Equal((SendOutcome.PermanentFailure, "190"), (result.Outcome, result.ProviderErrorCode));
    }

    [Fact]
    public async Task Unreachable_api_is_transient()
    {
        var options = Options(FakeCarrier.Unreachable());

        var result = await new WhatsAppSender(SharedHttp, options).SendAsync(Hello, CancellationToken.None);

        Assert.Equal(SendOutcome.TransientFailure, result.Outcome);
    }

    [Fact]
    public async Task A_dropped_connection_is_tried_once_more_at_once()
    {
        await using var carrier = await FakeCarrier.StartAsync(FakeCarrier.DropFirst(1, FakeCarrier.Json(200, Accepted)));

        var result = await Sender(carrier).SendAsync(Hello, CancellationToken.None);

        Assert.Equal(SendResult.Sent("wamid.OUT123"), result);
        Assert.Equal(2, carrier.Requests.Count);
    }

    [Fact]
    public async Task Timeout_is_transient_but_caller_cancellation_is_not_a_result()
    {
        await using var carrier = await FakeCarrier.StartAsync(FakeCarrier.Stall);
        using var impatient = new HttpClient { Timeout = TimeSpan.FromMilliseconds(150) };
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(150));

        var timedOut = await new WhatsAppSender(impatient, Options(carrier.BaseUrl)).SendAsync(Hello, CancellationToken.None);

        Assert.Equal(SendOutcome.TransientFailure, timedOut.Outcome);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Sender(carrier).SendAsync(Hello, cancel.Token));
    }

    [Fact]
    public async Task Sms_messages_are_refused_without_a_request()
    {
        await using var carrier = await FakeCarrier.StartAsync(FakeCarrier.Json(200, Accepted));

        var result = await Sender(carrier).SendAsync(Hello with { Channel = Channel.Sms }, CancellationToken.None);

        Assert.Equal(SendOutcome.PermanentFailure, result.Outcome);
        Assert.Empty(carrier.Requests);
    }

    private static WhatsAppSender Sender(FakeCarrier carrier) => new(SharedHttp, Options(carrier.BaseUrl));

    private static WhatsAppOptions Options(Uri carrierBaseUrl) => new()
    {
        AppSecret = "wa-app-secret",
        VerifyToken = "wa-verify",
        AccessToken = "wa-access-token",
        PhoneNumberId = WebhookPayloads.PhoneNumberId,
        ApiBaseUrl = new Uri(carrierBaseUrl, "/v21.0").ToString(),
    };

    private static readonly HttpClient SharedHttp = new() { Timeout = TimeSpan.FromSeconds(5) };
}
