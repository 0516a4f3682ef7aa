using System.Net;

namespace Optline.Server.Tests.Api;

/// <summary><c>POST /api/v1/messages</c> refuses what it cannot send with a stable problem type, and stores nothing.</summary>
public sealed class MessageValidationTests(OptlineTestServer server) : IClassFixture<OptlineTestServer>
{
    [Theory]
    [InlineData("12345")]
    [InlineData("not a number")]
    [InlineData("+1 555 555 0123")]
    public async Task Posting_a_message_to_an_invalid_number_returns_invalid_phone_number_problem(string to)
    {
        var line = await server.NewLineAsync();

        using var response = await line.Client.PostMessageAsync(line.Number, to, "Hello");

        var problem = await Http.ProblemAsync(response, HttpStatusCode.BadRequest, "invalid-phone-number");
        Assert.Equal("to", problem.Field);
        await AssertNothingSentAsync(line);
    }

    [Fact]
    public async Task Posting_a_message_with_a_premium_rate_number_returns_invalid_phone_number_problem()
    {
        var line = await server.NewLineAsync();

        using var response = await line.Client.PostMessageAsync(line.Number, "+1 900 555 0123", "Hello");

        var problem = await Http.ProblemAsync(response, HttpStatusCode.BadRequest, "invalid-phone-number");
        Assert.Contains("premium", problem.Detail, StringComparison.OrdinalIgnoreCase);
        await AssertNothingSentAsync(line);
    }

    [Theory]
    [InlineData("sms", 0)]
    [InlineData("sms", 1601)]
    [InlineData("whatsapp", 0)]
    [InlineData("whatsapp", 4097)]
    public async Task Posting_a_message_with_an_empty_or_too_long_body_returns_invalid_message_body_problem(string channel, int length)
    {
        var line = await server.NewLineAsync();
        var contact = server.NewContactNumber();

        using var response = await line.Client.PostMessageAsync(line.Number, contact, new string('x', length), channel);

        var problem = await Http.ProblemAsync(response, HttpStatusCode.BadRequest, "invalid-message-body");
        Assert.Equal("body", problem.Field);
        await AssertUntouchedAsync(line, contact, channel);
    }

    [Theory]
    [InlineData("sms", 1600)]
    [InlineData("whatsapp", 4096)]
    public async Task A_body_of_exactly_the_channels_limit_is_accepted(string channel, int length)
    {
        var line = await server.NewLineAsync();
        var contact = server.NewContactNumber();

        var sent = await line.Client.SendAsync(line.Number, contact, new string('x', length), channel);

        Assert.Equal("held", sent.Status);
    }

    [Fact]
    public async Task Posting_a_message_on_an_unknown_channel_returns_a_validation_problem()
    {
        var line = await server.NewLineAsync();
        var contact = server.NewContactNumber();

        using var response = await line.Client.PostMessageAsync(line.Number, contact, "Hello", "fax");

        var problem = await Http.ProblemAsync(response, HttpStatusCode.BadRequest, "validation");
        Assert.Equal("channel", problem.Field);
        await AssertUntouchedAsync(line, contact, "sms");
    }

    [Theory]
    [InlineData("{\"from\": \"+12015550101\", \"to\": ")]
    [InlineData("{\"from\": 12, \"to\": [], \"body\": {}}")]
    [InlineData("not json at all")]
    public async Task Posting_malformed_json_returns_a_malformed_json_problem(string json)
    {
        using var response = await server.Admin.PostRawJsonAsync("/api/v1/messages", json);

        await Http.ProblemAsync(response, HttpStatusCode.BadRequest, "malformed-json");
    }

    [Fact]
    public async Task Posting_a_body_over_64_KB_returns_413()
    {
        var line = await server.NewLineAsync();
        var contact = server.NewContactNumber();
        var json = $"{{\"from\":\"{line.Number}\",\"to\":\"{contact}\",\"channel\":\"sms\",\"body\":\"{new string('x', 70 * 1024)}\"}}";

        using var response = await line.Client.PostRawJsonAsync("/api/v1/messages", json);

        await Http.ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "body-too-large");
        await AssertUntouchedAsync(line, contact, "sms");
    }

    [Fact]
    public async Task Posting_from_a_number_that_is_no_line_returns_line_not_found()
    {
        using var response = await server.Admin.PostMessageAsync("+1 201-555-0199", server.NewContactNumber(), "Hello");

        await Http.ProblemAsync(response, HttpStatusCode.NotFound, "line-not-found");
    }

    private async Task AssertNothingSentAsync(TestLine line)
    {
        var lines = await server.Admin.LinesAsync();
        Assert.Contains(lines.Items, l => l.Number == line.Number);
        Assert.DoesNotContain(server.Carrier.Sent, m => m.From == line.Number);
    }

    private async Task AssertUntouchedAsync(TestLine line, string contact, string channel)
    {
        var conversation = await server.Admin.ConversationAsync(line.Number, contact, channel);
        Assert.Empty(conversation.Items);
        Assert.Equal("none", conversation.Consent.State);
        Assert.Empty(server.Carrier.To(contact));
    }
}
