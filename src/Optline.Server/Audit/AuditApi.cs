using System.Globalization;
using Optline.Server.Api;
using Optline.Storage.Audit;

namespace Optline.Server.Audit;

/// <summary><c>/api/v1/audit</c>: the attestation record streamed as JSON Lines or CSV, its verification, and a contact's consent proof.</summary>
public static class AuditApi
{
    public static RouteGroupBuilder MapAudit(this RouteGroupBuilder api)
    {
        var audit = api.MapGroup("/audit").WithTags("Attestation");
        audit.MapGet("/", ExportAsync);
        audit.MapGet("/verify", VerifyAsync);
        audit.MapGet("/proof", ProofAsync);
        return api;
    }

    private static async Task<IResult> ExportAsync(HttpContext http, Addressing addressing, AuditQueries audit, CancellationToken ct)
    {
        var principal = http.Principal();
        if (!principal.IsAdmin)
        {
            return Problems.Forbidden("Only an admin key can export the attestation record.");
        }

        var query = http.Request.Query;
        var format = query["format"].ToString() is { Length: > 0 } f ? f : "jsonl";
        if (format is not ("jsonl" or "csv"))
        {
            return Problems.Validation("format must be 'jsonl' or 'csv'.", "format");
        }

        var (filter, problem) = await FilterAsync(http, addressing, ct);
        if (problem is not null)
        {
            return problem;
        }

        var checkpoint = await audit.CheckpointAsync(principal.OrganizationId, ct);
        http.Response.ContentType = format == "csv" ? "text/csv; charset=utf-8" : "application/jsonl; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"optline-audit.{format}\"";
        var records = audit.StreamAsync(principal.OrganizationId, filter!, ct);
        if (format == "csv")
        {
            await AuditExport.WriteCsvAsync(records, http.Response.Body, ct);
        }
        else
        {
            await AuditExport.WriteJsonLinesAsync(records, http.Response.Body, principal.OrganizationId, filter!.IsWholeChain, checkpoint, ct);
        }

        return Results.Empty;
    }

    private static async Task<IResult> VerifyAsync(HttpContext http, AuditQueries audit, CancellationToken ct)
    {
        var principal = http.Principal();
        if (!principal.IsAdmin)
        {
            return Problems.Forbidden("Only an admin key can verify the attestation record.");
        }

        var result = await audit.VerifyAsync(principal.OrganizationId, ct);
        return TypedResults.Ok(new { ok = result.Ok, records = result.Records, firstBadSeq = result.FirstBadSeq, reason = result.Reason, headHash = result.HeadHash });
    }

    private static async Task<IResult> ProofAsync(HttpContext http, Addressing addressing, ProofBuilder proofs, CancellationToken ct)
    {
        var principal = http.Principal();
        if (!principal.IsAdmin)
        {
            return Problems.Forbidden("Only an admin key can produce a consent proof.");
        }

        var query = http.Request.Query;
        var format = query["format"].ToString() is { Length: > 0 } f ? f : "html";
        if (format is not ("html" or "pdf"))
        {
            return Problems.Validation("format must be 'html' or 'pdf'.", "format");
        }

        var (contact, contactProblem) = Addressing.Contact(query["contact"], "contact");
        if (contactProblem is not null)
        {
            return contactProblem;
        }

        Storage.Organizations.Line? line = null;
        if (!string.IsNullOrWhiteSpace(query["line"]))
        {
            (line, var lineProblem) = await addressing.LineAsync(principal, query["line"], "line", ct);
            if (lineProblem is not null)
            {
                return lineProblem;
            }
        }

        var proof = await proofs.BuildAsync(principal.OrganizationId, line, contact!, ct);
        return format == "pdf"
            ? Results.File(ProofPdf.Render(proof), "application/pdf", $"consent-proof-{contact!.TrimStart('+')}.pdf")
            : Results.Content(ProofHtml.Render(proof), "text/html; charset=utf-8");
    }

    private static async Task<(AuditFilter? Filter, IResult? Problem)> FilterAsync(HttpContext http, Addressing addressing, CancellationToken ct)
    {
        var query = http.Request.Query;
        DateTimeOffset? from = null, to = null;
        foreach (var (name, set) in new (string, Action<DateTimeOffset>)[] { ("from", v => from = v), ("to", v => to = v) })
        {
            var text = query[name].ToString();
            if (text.Length == 0)
            {
                continue;
            }

            if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value))
            {
                return (null, Problems.Validation($"{name} must be an ISO 8601 time, e.g. 2026-11-30T00:00:00Z.", name));
            }

            set(value);
        }

        string? lineNumber = null;
        if (!string.IsNullOrWhiteSpace(query["line"]))
        {
            var (line, problem) = await addressing.LineAsync(http.Principal(), query["line"], "line", ct);
            if (problem is not null)
            {
                return (null, problem);
            }

            lineNumber = line!.Number;
        }

        string? contact = null;
        if (!string.IsNullOrWhiteSpace(query["contact"]))
        {
            var (number, problem) = Addressing.Contact(query["contact"], "contact");
            if (problem is not null)
            {
                return (null, problem);
            }

            contact = number;
        }

        var @event = query["event"].ToString();
        return (new AuditFilter(from, to, lineNumber, contact, @event.Length == 0 ? null : @event), null);
    }
}
