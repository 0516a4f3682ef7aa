using Optline.Core.Consent;
using Optline.Server.Api;
using Optline.Storage.Conversations;

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

    private static async Task<IResult> DecideAsync(long id, ReviewDecisionRequest? request, HttpContext http, ReviewDecisions decisions, CancellationToken ct)
    {
        if (request?.Decision is not ("opt_out" or "not_opt_out"))
        {
            return Problems.Validation("decision must be 'opt_out' or 'not_opt_out'.", "decision");
        }

        var (result, _, outcome) = await decisions.DecideAsync(http.Principal(), id, request.Decision == "opt_out", ct);
        return result switch
        {
            ReviewDecisionResult.NotFound => Problems.NotFound("review", $"No review {id} for this key."),
            ReviewDecisionResult.AlreadyDecided => Problems.Conflict("review-already-decided", $"Review {id} was already decided."),
            _ => TypedResults.Ok(new { id, decision = request.Decision, consent = new { state = outcome!.State.Name(), since = outcome.Since } }),
        };
    }
}
