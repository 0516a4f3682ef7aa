using Optline.Core.Consent;
using Optline.Server.Api;
using Optline.Storage.Audit;
using Optline.Storage.Conversations;
using Optline.Storage.Organizations;

namespace Optline.Server.Reviews;

public sealed record ReviewDecisionRequest(string? Decision);

/// <summary><c>/api/v1/reviews</c>: messages that contain an opt-out word but were not taken as a request, for a person to judge.</summary>
public static class ReviewsApi
{
    public static RouteGroupBuilder MapReviews(this RouteGroupBuilder api)
    {
        var reviews = api.MapGroup("/reviews").WithTags("Reviews");
        reviews.MapGet("/", ListAsync);
        reviews.MapPost("/{id:long}", DecideAsync);
        return api;
    }

    private static async Task<IResult> ListAsync(HttpContext http, ConversationQueries queries, CancellationToken ct)
    {
        var principal = http.Principal();
        if (!Paging.TryParse(http.Request, out var paging, out var error))
        {
            return Problems.Validation(error);
        }

        var openOnly = !string.Equals(http.Request.Query["all"], "true", StringComparison.OrdinalIgnoreCase);
        var items = await queries.ReviewsAsync(principal.OrganizationId, principal.LineId, openOnly, paging.After, paging.Limit, ct);
        return TypedResults.Ok(new
        {
            items = items.Select(r => new { id = r.Id, messageId = r.MessageId, line = r.LineNumber, contact = r.Contact, channel = r.Channel, body = r.Body, rule = r.Rule, at = r.At, decision = r.Decision }),
            next = Paging.Next(items, paging.Limit, r => r.Id),
        });
    }

    private static async Task<IResult> DecideAsync(long id, ReviewDecisionRequest? request, HttpContext http, ConversationQueries queries,
        ConversationService conversations, OrganizationStore organizations, CancellationToken ct)
    {
        var principal = http.Principal();
        if (request?.Decision is not ("opt_out" or "not_opt_out"))
        {
            return Problems.Validation("decision must be 'opt_out' or 'not_opt_out'.", "decision");
        }

        var review = await queries.ReviewAsync(principal.OrganizationId, id, ct);
        if (review is null || (principal.LineId is { } own && own != review.LineId))
        {
            return Problems.NotFound("review", $"No review {id} for this key.");
        }

        if (!await queries.DecideReviewAsync(id, request.Decision, principal.IsAdmin ? "admin" : "line", ct))
        {
            return Problems.Conflict("review-already-decided", $"Review {id} was already decided.");
        }

        var line = (await organizations.FindLineByIdAsync(review.LineId, ct))!;
        VocabularyNames.TryParseChannel(review.Channel, out var channel);
        var cause = new AuditEntry("review_decided") { Text = review.Body, Rule = review.Rule, Detail = request.Decision, MessageId = review.MessageId.ToString() };
        var outcome = request.Decision == "opt_out"
            ? await conversations.ApplyAsync(line, review.Contact, channel, at => new ReviewedAsOptOut(review.MessageId, at), cause, ct)
            : await conversations.ApplyAsync(line, review.Contact, channel, at => new TimePassed(at), cause, ct);
        return TypedResults.Ok(new { id, decision = request.Decision, consent = new { state = outcome.State.Name(), since = outcome.Since } });
    }
}
