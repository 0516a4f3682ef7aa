using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Optline.Server.Web.Auth;
using Optline.Server.Web.Shared;
using Optline.Storage.Outbox;

namespace Optline.Server.Web.Portal;

/// <summary><c>/portal/outbox</c>: what is waiting to leave, and the dead letters that gave up, each with a Retry button.</summary>
public sealed class OutboxModel(OutboxStore outbox, OutboxSummaryQuery summaries) : PageModel
{
    public const int PageSize = 100;

    public OutboxSummary Summary { get; private set; } = new(0, null, 0);

    public IReadOnlyList<DeadLetter> Dead { get; private set; } = [];

    public long? Next { get; private set; }

    public Feedback? Result { get; private set; }

    public async Task OnGetAsync(long? after, CancellationToken ct)
    {
        var organizationId = User.Principal().OrganizationId;
        Summary = await summaries.ReadAsync(organizationId, ct);
        Dead = await outbox.ListDeadAsync(organizationId, after ?? 0, PageSize, ct);
        Next = Dead.Count == PageSize ? Dead[^1].OutboxId : null;
        Result = Feedback.Take(TempData);
    }

    public async Task<IActionResult> OnPostRetryAsync(long id, CancellationToken ct)
    {
        var retried = await outbox.RetryDeadAsync(User.Principal().OrganizationId, id, ct);
        Feedback.Put(TempData, retried
            ? new Feedback(Feedback.Ok, "Queued again with fresh attempts; consent is checked again before it is sent.")
            : new Feedback(Feedback.Warn, "That message is no longer a dead letter."));
        return Redirect("/portal/outbox");
    }
}
