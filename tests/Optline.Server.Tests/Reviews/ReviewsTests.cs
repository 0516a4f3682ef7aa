using System.Net;

namespace Optline.Server.Tests.Reviews;

/// <summary>A message that merely contains an opt-out word is delivered and flagged for the line user to judge.</summary>
public sealed class ReviewsTests(OptlineTestServer server) : IClassFixture<OptlineTestServer>
{
    [Fact]
    public async Task A_message_that_merely_mentions_stop_is_delivered_and_flagged_for_review()
    {
        var line = await server.NewLineAsync();
        var contact = server.NewContactNumber();
        var before = await server.OptInOverSmsAsync(line, contact);

        await server.ContactTextsAsync(contact, line, "I'll stop by on Tuesday");

        var conversation = await line.Client.SettledConversationAsync(line.Number, contact);
        Assert.Contains("I'll stop by on Tuesday", conversation.DeliveredInbound);
        Assert.Equal("opted_in", conversation.Consent.State);
        Assert.Equal(before, server.Carrier.To(contact).Count);
        var review = Assert.Single((await line.Client.ReviewsAsync()).Items, r => r.Contact == contact);
        Assert.Equal("I'll stop by on Tuesday", review.Body);
        Assert.Equal(line.Number, review.Line);
        Assert.Null(review.Decision);
    }

    [Fact]
    public async Task Deciding_a_review_as_opt_out_opts_the_contact_out_with_a_confirmation()
    {
        var line = await server.NewLineAsync();
        var contact = server.NewContactNumber();
        var before = await server.OptInOverSmsAsync(line, contact);
        await server.ContactTextsAsync(contact, line, "I'll stop by on Tuesday");
        var review = Assert.Single((await line.Client.ReviewsAsync()).Items, r => r.Contact == contact);

        using var response = await line.Client.DecideReviewAsync(review.Id, "opt_out");

        await Http.ExpectStatusAsync(response, HttpStatusCode.OK);
        var conversation = await line.Client.SettledConversationAsync(line.Number, contact);
        Assert.Equal("opted_out", conversation.Consent.State);
        Assert.Equal([SeedTexts.OptOutConfirm], server.Carrier.BodiesTo(contact).Skip(before));
        Assert.Equal(SeedTexts.OptOutNotice, conversation.Notices[^1]);
        Assert.DoesNotContain((await line.Client.ReviewsAsync()).Items, r => r.Id == review.Id);
    }

    [Fact]
    public async Task Deciding_a_review_as_not_opt_out_keeps_the_consent()
    {
        var line = await server.NewLineAsync();
        var contact = server.NewContactNumber();
        var before = await server.OptInOverSmsAsync(line, contact);
        await server.ContactTextsAsync(contact, line, "I'll stop by on Tuesday");
        var review = Assert.Single((await line.Client.ReviewsAsync()).Items, r => r.Contact == contact);

        using var response = await line.Client.DecideReviewAsync(review.Id, "not_opt_out");

        await Http.ExpectStatusAsync(response, HttpStatusCode.OK);
        await line.Client.SettledConversationAsync(line.Number, contact);
        Assert.Equal("opted_in", (await line.Client.ConsentAsync(line.Number, contact)).State);
        Assert.Equal(before, server.Carrier.To(contact).Count);
    }

    [Fact]
    public async Task A_review_is_decided_only_once()
    {
        var line = await server.NewLineAsync();
        var contact = server.NewContactNumber();
        await server.OptInOverSmsAsync(line, contact);
        await server.ContactTextsAsync(contact, line, "I'll stop by on Tuesday");
        var review = Assert.Single((await line.Client.ReviewsAsync()).Items, r => r.Contact == contact);
        using var first = await line.Client.DecideReviewAsync(review.Id, "not_opt_out");

        using var second = await line.Client.DecideReviewAsync(review.Id, "opt_out");

        await Http.ProblemAsync(second, HttpStatusCode.Conflict, "review-already-decided");
        Assert.Equal("opted_in", (await line.Client.ConsentAsync(line.Number, contact)).State);
    }

    [Fact]
    public async Task An_unknown_decision_is_a_validation_problem()
    {
        var line = await server.NewLineAsync();

        using var response = await line.Client.DecideReviewAsync(1, "maybe");

        await Http.ProblemAsync(response, HttpStatusCode.BadRequest, "validation");
    }

    [Fact]
    public async Task Another_lines_key_cannot_see_or_decide_the_review()
    {
        var line = await server.NewLineAsync();
        var other = await server.NewLineAsync("Sam Rivera");
        var contact = server.NewContactNumber();
        await server.OptInOverSmsAsync(line, contact);
        await server.ContactTextsAsync(contact, line, "I'll stop by on Tuesday");
        var review = Assert.Single((await line.Client.ReviewsAsync()).Items, r => r.Contact == contact);

        Assert.DoesNotContain((await other.Client.ReviewsAsync()).Items, r => r.Id == review.Id);
        using var response = await other.Client.DecideReviewAsync(review.Id, "opt_out");

        await Http.ProblemAsync(response, HttpStatusCode.NotFound, "review-not-found");
        Assert.Equal("opted_in", (await line.Client.ConsentAsync(line.Number, contact)).State);
    }
}
