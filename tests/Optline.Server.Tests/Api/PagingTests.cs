using System.Net;

namespace Optline.Server.Tests.Api;

/// <summary>Lists are paged: <c>limit</c> (1 to 1,000) and the <c>next</c> cursor, oldest first.</summary>
public sealed class PagingTests(OptlineTestServer server) : IClassFixture<OptlineTestServer>
{
    [Fact]
    public async Task A_conversation_read_two_items_at_a_time_continues_without_overlap()
    {
        var line = await server.NewLineAsync();
        var contact = server.NewContactNumber();
        await line.Client.SendAsync(line.Number, contact, "One");
        await line.Client.SendAsync(line.Number, contact, "Two");
        await line.Client.SendAsync(line.Number, contact, "Three");
        var whole = await line.Client.ConversationAsync(line.Number, contact, limit: 1000);
        Assert.True(whole.Items.Count >= 5, $"expected at least 5 timeline items, got {whole.Items.Count}");
        Assert.Null(whole.Next);

        var pages = new List<Conversation>();
        string? next = null;
        do
        {
            var page = await line.Client.ConversationAsync(line.Number, contact, limit: 2, next: next);
            Assert.True(page.Items.Count <= 2);
            pages.Add(page);
            next = page.Next;
        }
        while (next is not null && pages.Count < 10);

        Assert.NotNull(pages[0].Next);
        Assert.Equal(whole.Items.Select(i => i.Id), pages.SelectMany(p => p.Items).Select(i => i.Id));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1001")]
    [InlineData("-1")]
    [InlineData("ten")]
    public async Task A_limit_outside_1_to_1000_is_a_validation_problem(string limit)
    {
        var line = await server.NewLineAsync();

        using var response = await line.Client.GetAsync("/api/v1/conversations" +
            OptlineClient.Query(("line", line.Number), ("contact", server.NewContactNumber()), ("limit", limit)));

        await Http.ProblemAsync(response, HttpStatusCode.BadRequest, "validation");
    }

    [Fact]
    public async Task A_limit_of_1000_is_accepted()
    {
        var line = await server.NewLineAsync();

        using var response = await line.Client.GetConversationAsync(line.Number, server.NewContactNumber(), limit: 1000);

        await Http.ExpectStatusAsync(response, HttpStatusCode.OK);
    }

    [Fact]
    public async Task Lines_are_paged_with_a_cursor()
    {
        var organization = await server.NewOrganizationAsync("Paging Partners");
        var created = new List<TestLine>();
        for (var i = 0; i < 3; i++)
        {
            created.Add(await server.NewLineAsync(organization.Admin, $"Adviser {i}"));
        }

        using var first = await organization.Admin.GetAsync("/api/v1/lines?limit=2");
        var page1 = await Http.ReadAsync<LinePage>(first, HttpStatusCode.OK);
        using var second = await organization.Admin.GetAsync("/api/v1/lines?limit=2&next=" + page1.Next);
        var page2 = await Http.ReadAsync<LinePage>(second, HttpStatusCode.OK);

        Assert.Equal(created.Select(l => l.Number), page1.Items.Concat(page2.Items).Select(l => l.Number));
        Assert.Null(page2.Next);
    }
}
