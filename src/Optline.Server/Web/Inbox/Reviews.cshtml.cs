using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Optline.Server.Reviews;
using Optline.Server.Web.Auth;
using Optline.Server.Web.Shared;
using Optline.Storage.Conversations;

namespace Optline.Server.Web.Inbox;

/// <summary>
/// <c>/inbox/reviews</c>: messages that contain an opt-out word but were not taken as a request ("I'll stop by on Tuesday"),
/// for the line user (or an admin) to judge. A decision is recorded and applied as <c>POST /api/v1/reviews/{id}</c> does.
/// </summary>
public sealed class ReviewsModel(ConversationQueries queries, ReviewDecisions decisions) : PageModel
{
    public const int PageSize = 100;

    public IReadOnlyList<ReviewItem> Reviews { get; private set; } = [];

    public bool All { get; private set; }

    public long? Next { get; private set; }

    public Feedback? Result { get; private set; }

    public async Task OnGetAsync(bool all, long? after, CancellationToken ct)
    {
        var principal = User.Principal();
        All = all;
        Reviews = await queries.ReviewsAsync(principal.OrganizationId, principal.LineId, !all, after ?? 0, PageSize, ct);
        Next = Reviews.Count == PageSize ? Reviews[^1].Id : null;
        Result = Feedback.Take(TempData);
    }

    public async Task<IActionResult> OnPostDecideAsync(long id, string? decision, CancellationToken ct)
    {
        if (decision is not ("opt_out" or "not_opt_out"))
        {
            return BadRequest();
        }

        var (result, review, outcome) = await decisions.DecideAsync(User.Principal(), id, decision == "opt_out", ct);
        switch (result)
        {
            case ReviewDecisionResult.NotFound:
                return NotFound();
            case ReviewDecisionResult.AlreadyDecided:
                Feedback.Put(TempData, new Feedback(Feedback.Warn, "That message was already reviewed."));
                break;
            default:
                Feedback.Put(TempData, new Feedback(Feedback.Ok, decision == "opt_out"
                    ? $"Recorded as an opt-out: {review!.Contact} is now {Display.State(outcome!.State).ToLowerInvariant()}."
                    : $"Recorded as not an opt-out; {review!.Contact} stays {Display.State(outcome!.State).ToLowerInvariant()}."));
                break;
        }

        return Redirect("/inbox/reviews");
    }
}
