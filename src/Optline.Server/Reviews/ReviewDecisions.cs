using Optline.Core.Consent;
using Optline.Storage.Audit;
using Optline.Storage.Conversations;
using Optline.Storage.Organizations;

namespace Optline.Server.Reviews;

public enum ReviewDecisionResult
{
    Decided,
    NotFound,
    AlreadyDecided,
}

/// <summary>A line user's or admin's judgement of a flagged message, the same from the API and the inbox.</summary>
public sealed class ReviewDecisions(ConversationQueries queries, ConversationService conversations, OrganizationStore organizations)
{
    public async Task<(ReviewDecisionResult Result, ReviewItem? Review, EventOutcome? Outcome)> DecideAsync(Principal principal, long id, bool optOut, CancellationToken ct)
    {
        var review = await queries.ReviewAsync(principal.OrganizationId, id, ct);
        if (review is null || (principal.LineId is { } own && own != review.LineId))
        {
            return (ReviewDecisionResult.NotFound, null, null);
        }

        var line = await organizations.FindLineByIdAsync(review.LineId, ct);
        if (line is null)
        {
            return (ReviewDecisionResult.NotFound, null, null);
        }

        VocabularyNames.TryParseChannel(review.Channel, out var channel);
        var decision = optOut ? "opt_out" : "not_opt_out";
        var cause = new AuditEntry("review_decided") { Text = review.Body, Rule = review.Rule, Detail = decision, MessageId = review.MessageId.ToString() };
        var outcome = await conversations.DecideReviewAsync(line, review.Contact, channel, id, review.MessageId, optOut, principal.IsAdmin ? "admin" : "line", cause, ct);
        return outcome is null ? (ReviewDecisionResult.AlreadyDecided, review, null) : (ReviewDecisionResult.Decided, review, outcome);
    }
}
