using System.Net;

namespace Optline.Server.Tests.Api;

/// <summary>
/// <c>POST /api/v1/messages</c> with an <c>Idempotency-Key</c>: a client that lost the answer sends the request again
/// and the message is stored and sent once; the key used for another message is refused and changes nothing.
/// </summary>
public sealed class IdempotencyKeyTests(OptlineTestServer server) : IClassFixture<OptlineTestServer>
{
    [Fact]
    public async Task A_message_sent_again_with_its_key_gets_the_first_answer_and_is_stored_once()
    {
        var line = await server.NewLineAsync();
        var contact = server.NewContactNumber();
        var key = Guid.NewGuid().ToString();

        using var first = await line.Client.PostMessageWithKeyAsync(key, line.Number, contact, "Your statement is ready");
        using var again = await line.Client.PostMessageWithKeyAsync(key, line.Number, contact, "Your statement is ready");

        var sent = await Http.ReadAsync<SendResult>(first, HttpStatusCode.Accepted);
        var replayed = await Http.ReadAsync<SendResult>(again, HttpStatusCode.Accepted);
        Assert.Equal(sent, replayed);
        Assert.Equal("held", sent.Status);
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(["true"], again.Headers.GetValues("Idempotent-Replayed"));
        var conversation = await server.Admin.ConversationAsync(line.Number, contact);
        Assert.Single(conversation.Items, i => !i.IsNotice && i.Direction == "outbound" && i.Body == "Your statement is ready");
    }

    [Fact]
    public async Task A_key_used_again_for_a_different_message_is_refused_and_changes_nothing()
    {
        var line = await server.NewLineAsync();
        var contact = server.NewContactNumber();
        var key = Guid.NewGuid().ToString();
        await Http.ReadAsync<SendResult>(await line.Client.PostMessageWithKeyAsync(key, line.Number, contact, "Your statement is ready"), HttpStatusCode.Accepted);

        using var otherText = await line.Client.PostMessageWithKeyAsync(key, line.Number, contact, "Call me back");
        using var otherContact = await line.Client.PostMessageWithKeyAsync(key, line.Number, server.NewContactNumber(), "Your statement is ready");

        var problem = await Http.ProblemAsync(otherText, (HttpStatusCode)422, "idempotency-key-reused");
        Assert.Contains("new key", problem.Detail, StringComparison.Ordinal);
        await Http.ProblemAsync(otherContact, (HttpStatusCode)422, "idempotency-key-reused");
        var conversation = await server.Admin.ConversationAsync(line.Number, contact);
        Assert.DoesNotContain(conversation.Items, i => i.Body == "Call me back");
    }

    [Fact]
    public async Task Each_organization_has_keys_of_its_own()
    {
        var line = await server.NewLineAsync();
        var other = await server.NewOrganizationAsync("Birch Wealth");
        var otherLine = await server.NewLineAsync(other.Admin);
        var contact = server.NewContactNumber();
        var key = Guid.NewGuid().ToString();

        var ours = await Http.ReadAsync<SendResult>(await line.Client.PostMessageWithKeyAsync(key, line.Number, contact, "Hello"), HttpStatusCode.Accepted);
        var theirs = await Http.ReadAsync<SendResult>(await otherLine.Client.PostMessageWithKeyAsync(key, otherLine.Number, contact, "Hello"), HttpStatusCode.Accepted);

        Assert.NotEqual(ours.Id, theirs.Id);
    }

    [Fact]
    public async Task Requests_sent_together_with_one_key_store_one_message()
    {
        var line = await server.NewLineAsync();
        var contact = server.NewContactNumber();
        var key = Guid.NewGuid().ToString();

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => line.Client.PostMessageWithKeyAsync(key, line.Number, contact, "Hello")));

        var results = await Task.WhenAll(responses.Select(r => Http.ReadAsync<SendResult>(r, HttpStatusCode.Accepted)));
        Assert.Single(results.Select(r => r.Id).Distinct());
        Assert.Equal(7, responses.Count(r => r.Headers.Contains("Idempotent-Replayed")));
        var conversation = await server.Admin.ConversationAsync(line.Number, contact);
        Assert.Single(conversation.Items, i => i.Body == "Hello");
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Theory]
    [InlineData("two words")]
    [InlineData("")]
    [InlineData("x", 256)]
    public async Task An_invalid_key_is_refused_and_nothing_is_stored(string key, int repeat = 1)
    {
        var line = await server.NewLineAsync();
        var contact = server.NewContactNumber();

        using var response = await line.Client.PostMessageWithKeyAsync(string.Concat(Enumerable.Repeat(key, repeat)), line.Number, contact, "Hello");

        var problem = await Http.ProblemAsync(response, HttpStatusCode.BadRequest, "invalid-idempotency-key");
        Assert.Equal("Idempotency-Key", problem.Field);
        var conversation = await server.Admin.ConversationAsync(line.Number, contact);
        Assert.Empty(conversation.Items);
    }
}
