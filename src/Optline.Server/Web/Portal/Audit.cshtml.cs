using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Optline.Core.Phones;
using Optline.Server.Audit;
using Optline.Server.Web.Auth;
using Optline.Server.Web.Inbox;
using Optline.Storage.Audit;
using Optline.Storage.Organizations;

namespace Optline.Server.Web.Portal;

/// <summary>
/// <c>/portal/audit</c>: the attestation record, newest first, filtered like the export; verification of the whole hash
/// chain with one click; a contact's consent proof as HTML or PDF (the API's <see cref="ProofBuilder"/>, <see cref="ProofHtml"/>, <see cref="ProofPdf"/>).
/// </summary>
public sealed class AuditModel(AuditBrowser browser, AuditQueries audit, ProofBuilder proofs, OrganizationStore organizations) : PageModel
{
    public const int PageSize = 50;

    public static readonly IReadOnlyList<string> KnownEvents =
    [
        "contact_message", "line_message", "automated_message_queued", "notice_to_line", "consent_pending", "consent_opted_in", "consent_opted_out",
        "message_held", "held_message_released", "held_message_cancelled", "held_message_expired", "queued_message_cancelled", "message_blocked",
        "message_sent", "send_failed", "delivery_report", "flagged_for_review", "review_decided", "consent_import", "consent_revocation",
        "carrier_opt_out", "settings_changed", "line_created", "line_renamed", "organization_created",
    ];

    [BindProperty(SupportsGet = true)]
    public string? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? To { get; set; }

    [BindProperty(SupportsGet = true)]
    public long? Line { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Contact { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Event { get; set; }

    public IReadOnlyList<AuditRow> Rows { get; private set; } = [];

    public IReadOnlyList<Line> Lines { get; private set; } = [];

    public long? Older { get; private set; }

    public bool Paged { get; private set; }

    public AuditVerification? Verification { get; private set; }

    public Dictionary<string, string> Errors { get; } = new(StringComparer.Ordinal);

    public string ProofContact { get; private set; } = string.Empty;

    public string FilterQuery => string.Join('&', new[] { ("from", From), ("to", To), ("line", Line?.ToString(CultureInfo.InvariantCulture)), ("contact", Contact), ("event", Event) }
        .Where(p => !string.IsNullOrWhiteSpace(p.Item2)).Select(p => $"{p.Item1}={Uri.EscapeDataString(p.Item2!)}"));

    public Task OnGetAsync(long? before, CancellationToken ct) => LoadAsync(before, ct);

    public async Task<IActionResult> OnPostVerifyAsync(CancellationToken ct)
    {
        Verification = await audit.VerifyAsync(User.Principal().OrganizationId, ct);
        await LoadAsync(null, ct);
        return Page();
    }

    public async Task<IActionResult> OnGetProofAsync(string? proofContact, long? proofLine, string? format, CancellationToken ct)
    {
        var organizationId = User.Principal().OrganizationId;
        ProofContact = proofContact ?? string.Empty;
        if (!PhoneNumbers.TryNormalize(proofContact, out var contact, out var error))
        {
            Errors["proofContact"] = PhoneNumbers.Describe(error, proofContact);
            await LoadAsync(null, ct);
            return Page();
        }

        var line = proofLine is { } id ? await organizations.FindLineByIdAsync(id, ct) : null;
        if (line is not null && line.OrganizationId != organizationId)
        {
            return NotFound();
        }

        var proof = await proofs.BuildAsync(organizationId, line, contact, ct);
        return format == "pdf"
            ? File(ProofPdf.Render(proof), "application/pdf", $"consent-proof-{contact.TrimStart('+')}.pdf")
            : Content(ProofHtml.Render(proof), "text/html; charset=utf-8");
    }

    /// <summary>The filtered record streamed as CSV or JSON Lines, with the API's writers (a whole-chain JSON Lines export verifies offline).</summary>
    public async Task<IActionResult> OnGetExportAsync(string? format, CancellationToken ct)
    {
        var organizationId = User.Principal().OrganizationId;
        var filter = await FilterAsync(ct);
        if (filter is null)
        {
            await LoadAsync(null, ct);
            return Page();
        }

        var csv = format == "csv";
        var checkpoint = await audit.CheckpointAsync(organizationId, ct);
        Response.ContentType = csv ? "text/csv; charset=utf-8" : "application/jsonl; charset=utf-8";
        Response.Headers.ContentDisposition = $"attachment; filename=\"optline-audit.{(csv ? "csv" : "jsonl")}\"";
        var records = audit.StreamAsync(organizationId, filter, ct);
        if (csv)
        {
            await AuditExport.WriteCsvAsync(records, Response.Body, ct);
        }
        else
        {
            await AuditExport.WriteJsonLinesAsync(records, Response.Body, organizationId, filter.IsWholeChain, checkpoint, ct);
        }

        return new EmptyResult();
    }

    private async Task LoadAsync(long? before, CancellationToken ct)
    {
        var principal = User.Principal();
        Lines = (await LineAccess.ResolveAsync(organizations, principal, null, ct)).Choices;
        var filter = await FilterAsync(ct);
        if (filter is null)
        {
            return;
        }

        Rows = await browser.PageAsync(principal.OrganizationId, filter, before, PageSize, ct);
        Paged = before is not null;
        Older = Rows.Count == PageSize ? Rows[^1].Seq : null;
    }

    private async Task<AuditFilter?> FilterAsync(CancellationToken ct)
    {
        var from = Time(From, "from");
        var to = Time(To, "to");
        string? contact = null;
        if (!string.IsNullOrWhiteSpace(Contact))
        {
            if (PhoneNumbers.TryNormalize(Contact, out var number, out var error))
            {
                contact = number;
            }
            else
            {
                Errors["contact"] = PhoneNumbers.Describe(error, Contact);
            }
        }

        string? lineNumber = null;
        if (Line is { } id)
        {
            var line = await organizations.FindLineByIdAsync(id, ct);
            lineNumber = line is not null && line.OrganizationId == User.Principal().OrganizationId ? line.Number : "-";
        }

        return Errors.Count > 0 ? null : new AuditFilter(from, to, lineNumber, contact, string.IsNullOrWhiteSpace(Event) ? null : Event.Trim());
    }

    private DateTimeOffset? Time(string? text, string field)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value))
        {
            return value;
        }

        Errors[field] = "Enter a date and time, e.g. 2026-11-30 09:00 (UTC).";
        return null;
    }
}
