using System.Text;
using Microsoft.AspNetCore.Http;
using Optline.Channels.Sending;
using Optline.Channels.Tests.Support;
using Optline.Channels.Twilio;
using Optline.Core.Consent;

namespace Optline.Channels.Tests.Twilio;

public sealed class TwilioSenderTests
{
    private const string AccountSid = "ACbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    private const string AuthToken = "cccccccccccccccccccccccccccccccc";
    private const string CreatedMessage = """{"sid":"SM0123456789abcdef0123456789abcdef","status":"queued"}""";

    private static readonly OutboundMessage Hello = new(Channel.Sms, "+12015550101", "+12015550123", "Hello from Optline");

    [Fact]
    public async Task Send_posts_the_message_form_to_the_account_messages_resource_with_basic_auth()
    {
        await using var carrier = await FakeCarrier.StartAsync(FakeCarrier.Json(201, CreatedMessage));

        var result = await Sender(carrier.BaseUrl).SendAsync(Hello, CancellationToken.None);

        Assert.Equal(SendResult.Sent("SM0123456789abcdef0123456789abcdef"), result);
        var request = carrier.SingleRequest;
        Assert.Equal("POST", request.Method);
        Assert.Equal($"/2010-04-01/Accounts/{AccountSid}/Messages.json", request.Path);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{AccountSid}:{AuthToken}")), request.Authorization);
        var form = request.Form();
        Assert.Equal("+12015550123", form["To"]);
        Assert.Equal("+12015550101", form["From"]);
        Assert.Equal("Hello from Optline", form["Body"]);
        Assert.False(form.ContainsKey("StatusCallback"));
    }

    [Fact]
    public async Task Send_passes_the_status_callback_url_when_given()
    {
        await using var carrier = await FakeCarrier.StartAsync(FakeCarrier.Json(201, CreatedMessage));
        var message = Hello with { StatusCallbackUrl = "https://optline.example/webhooks/twilio/status" };

        await Sender(carrier.BaseUrl).SendAsync(message, CancellationToken.None);

        Assert.Equal("https://optline.example/webhooks/twilio/status", carrier.SingleRequest.Form()["StatusCallback"]);
    }

    [Fact]
    public async Task Unsubscribed_recipient_error_21610_means_the_recipient_opted_out()
    {
        await using var carrier = await FakeCarrier.StartAsync(FakeCarrier.Json(400,
            """{"code":21610,"message":"Attempt to send to unsubscribed recipient","more_info":"https://www.twilio.com/docs/errors/21610","status":400}"""));

        var result = await Sender(carrier.BaseUrl).SendAsync(Hello, CancellationToken.None);

        Assert.Equal(SendOutcome.RecipientOptedOut, result.Outcome);
        Assert.Equal("21610", result.ProviderErrorCode);
        Assert.Contains("unsubscribed", result.Error);
    }

    [Fact]
    public async Task Server_error_is_transient()
    {
        await using var carrier = await FakeCarrier.StartAsync(FakeCarrier.Json(500, """{"code":20500,"message":"fake outage","status":500}"""));

        var result = await Sender(carrier.BaseUrl).SendAsync(Hello, CancellationToken.None);

        Assert.Equal(SendOutcome.TransientFailure, result.Outcome);
        Assert.Equal("20500", result.ProviderErrorCode);
        Assert.Null(result.RetryAfter);
    }

    [Fact]
    public async Task Rate_limit_with_retry_after_is_transient_and_keeps_the_delay()
    {
        await using var carrier = await FakeCarrier.StartAsync(FakeCarrier.Json(429,
            """{"code":20429,"message":"Too Many Requests","status":429}""", ("Retry-After", "7")));

        var result = await Sender(carrier.BaseUrl).SendAsync(Hello, CancellationToken.None);

        Assert.Equal(SendOutcome.TransientFailure, result.Outcome);
        Assert.Equal(TimeSpan.FromSeconds(7), result.RetryAfter);
    }

    [Fact]
    public async Task Other_client_error_is_permanent()
    {
        await using var carrier = await FakeCarrier.StartAsync(FakeCarrier.Json(400,
            """{"code":21211,"message":"The 'To' number +1201 is not a valid phone number.","status":400}"""));

        var result = await Sender(carrier.BaseUrl).SendAsync(Hello, CancellationToken.None);

        Assert.Equal(SendOutcome.PermanentFailure, result.Outcome);
        Assert.Equal("21211", result.ProviderErrorCode);
    }

    [Theory]
    [InlineData(502, SendOutcome.TransientFailure)]
    [InlineData(404, SendOutcome.PermanentFailure)]
    public async Task Error_without_a_twilio_json_body_is_classified_by_http_status(int status, SendOutcome expected)
    {
        await using var carrier = await FakeCarrier.StartAsync(async context =>
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = "text/html";
            await context.Response.WriteAsync("<html>gateway trouble</html>", context.RequestAborted);
        });

        var result = await Sender(carrier.BaseUrl).SendAsync(Hello, CancellationToken.None);

        Assert.Equal(expected, result.Outcome);
        Assert.Null(result.ProviderErrorCode);
    }

    [Fact]
    public async Task Accepted_message_with_an_unreadable_answer_counts_as_sent_so_it_is_not_sent_twice()
    {
        await using var carrier = await FakeCarrier.StartAsync(FakeCarrier.Json(201, "{not json"));

        var result = await Sender(carrier.BaseUrl).SendAsync(Hello, CancellationToken.None);

        Assert.Equal(SendOutcome.Sent, result.Outcome);
        Assert.Null(result.ProviderMessageId);
    }

    [Fact]
    public async Task Unreachable_carrier_is_transient()
    {
        var result = await Sender(FakeCarrier.Unreachable()).SendAsync(Hello, CancellationToken.None);

        Assert.Equal(SendOutcome.TransientFailure, result.Outcome);
    }

    [Fact]
    public async Task A_dropped_connection_is_tried_once_more_at_once_so_the_next_message_cannot_overtake_this_one()
    {
        await using var carrier = await FakeCarrier.StartAsync(FakeCarrier.DropFirst(1, FakeCarrier.Json(201, CreatedMessage)));

        var result = await Sender(carrier.BaseUrl).SendAsync(Hello, CancellationToken.None);

        Assert.Equal(SendResult.Sent("SM0123456789abcdef0123456789abcdef"), result);
        Assert.Equal(2, carrier.Requests.Count);
    }

    [Fact]
    public async Task A_connection_dropped_twice_is_transient_and_left_to_the_outbox_backoff()
    {
        await using var carrier = await FakeCarrier.StartAsync(FakeCarrier.DropFirst(2, FakeCarrier.Json(201, CreatedMessage)));

        var result = await Sender(carrier.BaseUrl).SendAsync(Hello, CancellationToken.None);

        Assert.Equal(SendOutcome.TransientFailure, result.Outcome);
        Assert.Equal(2, carrier.Requests.Count);
    }

    [Fact]
    public async Task Timeout_is_transient()
    {
        await using var carrier = await FakeCarrier.StartAsync(FakeCarrier.Stall);
        using var http = new HttpClient { Timeout = TimeSpan.FromMilliseconds(150) };

        var result = await new TwilioSender(http, Options(carrier.BaseUrl)).SendAsync(Hello, CancellationToken.None);

        Assert.Equal(SendOutcome.TransientFailure, result.Outcome);
    }

    [Fact]
    public async Task Caller_cancellation_reaches_the_request_and_is_not_reported_as_a_failure()
    {
        await using var carrier = await FakeCarrier.StartAsync(FakeCarrier.Stall);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(150));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Sender(carrier.BaseUrl).SendAsync(Hello, cancel.Token));
    }

    [Fact]
    public async Task WhatsApp_messages_are_refused_without_a_request()
    {
        await using var carrier = await FakeCarrier.StartAsync(FakeCarrier.Json(201, CreatedMessage));

        var result = await Sender(carrier.BaseUrl).SendAsync(Hello with { Channel = Channel.WhatsApp }, CancellationToken.None);

        Assert.Equal(SendOutcome.PermanentFailure, result.Outcome);
        Assert.Empty(carrier.Requests);
    }

    private static TwilioSender Sender(Uri apiBaseUrl) => new(SharedHttp, Options(apiBaseUrl));

    private static TwilioOptions Options(Uri apiBaseUrl) => new()
    {
        AccountSid = AccountSid,
        AuthToken = AuthToken,
        ApiBaseUrl = apiBaseUrl.ToString(),
        PublicBaseUrl = "https://optline.example",
    };

    private static readonly HttpClient SharedHttp = new() { Timeout = TimeSpan.FromSeconds(5) };
}
