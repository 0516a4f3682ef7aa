using System.Net;

namespace Optline.Server.Tests.Api;

/// <summary>Every API call needs <c>Authorization: Bearer &lt;api key&gt;</c>; without a valid one nothing happens.</summary>
public sealed class ApiKeyTests(OptlineTestServer server) : IClassFixture<OptlineTestServer>
{
    [Theory]
    [InlineData(null)]
    [InlineData("olk_admin_not_a_key_0000000000000000000000")]
    [InlineData("")]
    public async Task Sending_without_a_valid_api_key_returns_unauthorized_and_sends_nothing(string? key)
    {
        var line = await server.NewLineAsync();
        var contact = server.NewContactNumber();

        using var response = await server.Admin.WithKey(key).PostMessageAsync(line.Number, contact, "Hello");

        await Http.ProblemAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Empty((await server.Admin.ConversationAsync(line.Number, contact)).Items);
        Assert.Empty(server.Carrier.To(contact));
    }

    [Theory]
    [InlineData("/api/v1/lines")]
    [InlineData("/api/v1/settings")]
    [InlineData("/api/v1/reviews")]
    [InlineData("/api/v1/conversations?line=%2B12015550101&contact=%2B12125550101")]
    [InlineData("/api/v1/consents?line=%2B12015550101&contact=%2B12125550101")]
    public async Task Reading_without_an_api_key_returns_unauthorized(string path)
    {
        using var response = await server.Anonymous.GetAsync(path);

        await Http.ProblemAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task A_basic_authorization_header_is_not_an_api_key()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/v1/lines", UriKind.Relative));
        request.Headers.Authorization = new("Basic", OptlineTestServer.AdminKey);

        using var response = await server.Http.SendAsync(request);

        await Http.ProblemAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task Creating_a_line_without_a_key_creates_nothing()
    {
        var number = server.NewLineNumber();

        using var response = await server.Anonymous.PostJsonAsync("/api/v1/lines", new { number, displayName = "Nobody" });

        await Http.ProblemAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
        Assert.DoesNotContain((await server.Admin.LinesAsync()).Items, l => l.Number == number);
    }
}
