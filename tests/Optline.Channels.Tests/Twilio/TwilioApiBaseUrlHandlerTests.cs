using Optline.Channels.Twilio;

namespace Optline.Channels.Tests.Twilio;

public sealed class TwilioApiBaseUrlHandlerTests
{
    [Theory]
    [InlineData("https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json")]
    [InlineData("https://api.dublin.ie1.twilio.com/2010-04-01/Accounts/AC1/Messages.json")]
    [InlineData("https://api.us1.twilio.com/2010-04-01/Accounts/AC1/Messages.json")]
    public async Task Any_twilio_host_the_sdk_picks_goes_to_the_configured_base_url(string sdkUrl)
    {
        var seen = await SendThrough(new Uri("http://127.0.0.1:4010"), sdkUrl);

        Assert.Equal("http://127.0.0.1:4010/2010-04-01/Accounts/AC1/Messages.json", seen.ToString());
    }

    [Fact]
    public async Task A_base_url_path_is_kept_in_front_of_the_api_path()
    {
        var seen = await SendThrough(new Uri("http://proxy.internal:8080/twilio/"), "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json?x=1");

        Assert.Equal("http://proxy.internal:8080/twilio/2010-04-01/Accounts/AC1/Messages.json?x=1", seen.ToString());
    }

    [Fact]
    public async Task Hosts_that_are_not_twilio_are_left_alone()
    {
        var seen = await SendThrough(new Uri("http://127.0.0.1:4010"), "https://nottwilio.com/x");

        Assert.Equal("https://nottwilio.com/x", seen.ToString());
    }

    private static async Task<Uri> SendThrough(Uri apiBaseUrl, string sdkUrl)
    {
        var recorder = new RecordingHandler();
        using var client = new HttpClient(new TwilioApiBaseUrlHandler(apiBaseUrl) { InnerHandler = recorder });
        using var _ = await client.GetAsync(new Uri(sdkUrl), CancellationToken.None);
        return recorder.Seen!;
    }

    private sealed class RecordingHandler : HttpMessageHandler
    {
        public Uri? Seen { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Seen = request.RequestUri;
            return Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK));
        }
    }
}
