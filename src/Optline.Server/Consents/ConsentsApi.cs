using Optline.Core.Consent;
using Optline.Server.Api;
using Optline.Storage.Audit;
using Optline.Storage.Conversations;

namespace Optline.Server.Consents;

public sealed record EvidenceRequest(string? Method, DateTimeOffset? CollectedAt, string? Text, string? Reference);

public sealed record PutConsentRequest(string? Line, string? Contact, string? Channel, string? State, EvidenceRequest? Evidence);

/// <summary><c>/api/v1/consents</c>: a conversation's consent and its history; staff import consent collected elsewhere, or revoke it.</summary>
public static class ConsentsApi
{
    public static RouteGroupBuilder MapConsents(this RouteGroupBuilder api)
    {
        var consents = api.MapGroup("/consents").WithTags("Consents");
        consents.MapGet("/", GetAsync);
        consents.MapPut("/", PutAsync);
        consents.MapGet("/registry", RegistryAsync);
        return api;
    }

    /// <summary>The consent registry: every conversation's current state, searchable, as paged JSON or a streamed CSV export.</summary>
    private static async Task<IResult> RegistryAsync(HttpContext http, Addressing addressing, RegistryQueries registry, CancellationToken ct)
    {
        var principal = http.Principal();
        var query = http.Request.Query;
        var format = query["format"].ToString() is { Length: > 0 } f ? f : "json";
        if (format is not ("json" or "csv"))
        {
            return Problems.Validation("format must be 'json' or 'csv'.", "format");
        }

        ConsentState? state = null;
        if (!string.IsNullOrWhiteSpace(query["state"]))
        {
            if (!VocabularyNames.TryParseState(query["state"], out var parsed))
            {
                return Problems.Validation("state must be none, pending, opted_in or opted_out.", "state");
            }

            state = parsed;
        }

        Channel? channel = null;
        if (!string.IsNullOrWhiteSpace(query["channel"]))
        {
            var (parsed, problem) = Addressing.ChannelOf(query["channel"]);
            if (problem is not null)
            {
                return problem;
            }

            channel = parsed;
        }

        long? lineId = principal.LineId;
        if (!string.IsNullOrWhiteSpace(query["line"]))
        {
            var (line, problem) = await addressing.LineAsync(principal, query["line"], "line", ct);
            if (problem is not null)
            {
                return problem;
            }

            lineId = line!.Id;
        }

        var search = new string([.. query["contact"].ToString().Where(char.IsAsciiDigit)]);
        var filter = new RegistryFilter(lineId, ContactContains: search.Length == 0 ? null : search, State: state, Channel: channel);
        if (format == "csv")
        {
            http.Response.ContentType = "text/csv; charset=utf-8";
            http.Response.Headers.ContentDisposition = "attachment; filename=\"optline-consents.csv\"";
            await RegistryCsv.WriteAsync(registry.StreamAsync(principal.OrganizationId, filter, ct: ct), http.Response.Body, ct);
            return Results.Empty;
        }

        if (!Paging.TryParse(http.Request, out var paging, out var error))
        {
            return Problems.Validation(error);
        }

        var items = new List<RegistryEntry>();
        await foreach (var e in registry.StreamAsync(principal.OrganizationId, filter, paging.After, paging.Limit, ct))
        {
            items.Add(e);
        }

        return TypedResults.Ok(new
        {
            items = items.Select(e => new { line = e.LineNumber, displayName = e.LineDisplayName, contact = e.Contact, channel = e.Channel.Name(), state = e.State.Name(), since = e.Since, optOutSource = e.OptOutSource?.Name() }),
            next = Paging.Next(items, paging.Limit, e => e.ConversationId),
        });
    }

    private static async Task<IResult> GetAsync(HttpContext http, Addressing addressing, ConversationQueries queries, CancellationToken ct)
    {
        var query = http.Request.Query;
        var principal = http.Principal();
        var (line, lineProblem) = await addressing.LineAsync(principal, query["line"], "line", ct);
        if (lineProblem is not null)
        {
            return lineProblem;
        }

        var (contact, contactProblem) = Addressing.Contact(query["contact"], "contact");
        if (contactProblem is not null)
        {
            return contactProblem;
        }

        var (channel, channelProblem) = Addressing.ChannelOf(query["channel"]);
        if (channelProblem is not null)
        {
            return channelProblem;
        }

        if (!Paging.TryParse(http.Request, out var paging, out var error))
        {
            return Problems.Validation(error);
        }

        var row = await queries.FindAsync(line!.Id, contact!, channel, ct);
        var history = row is null ? [] : await queries.ConsentHistoryAsync(principal.OrganizationId, line.Number, contact!, channel, paging.After, paging.Limit, ct);
        return TypedResults.Ok(new
        {
            line = line.Number,
            contact,
            channel = channel.Name(),
            state = (row?.State.State ?? ConsentState.None).Name(),
            since = row?.State.Since,
            source = row?.State.OptOut?.Source.Name(),
            history = history.Select(h => new { at = h.At, @event = h.Event, source = h.Source, text = h.Text }),
            next = Paging.Next(history, paging.Limit, h => h.Seq),
        });
    }

    private static async Task<IResult> PutAsync(PutConsentRequest? request, HttpContext http, Addressing addressing, ConversationService conversations, CancellationToken ct)
    {
        var principal = http.Principal();
        if (!principal.IsAdmin)
        {
            return Problems.Forbidden("Only an admin key can import or revoke consent.");
        }

        if (request is null)
        {
            return Problems.Validation("The body must be a JSON object {line, contact, channel, state, evidence}.");
        }

        var (line, lineProblem) = await addressing.LineAsync(principal, request.Line, "line", ct);
        if (lineProblem is not null)
        {
            return lineProblem;
        }

        var (contact, contactProblem) = Addressing.Contact(request.Contact, "contact");
        if (contactProblem is not null)
        {
            return contactProblem;
        }

        var (channel, channelProblem) = Addressing.ChannelOf(request.Channel);
        if (channelProblem is not null)
        {
            return channelProblem;
        }

        if (!VocabularyNames.TryParseState(request.State, out var state) || state is not (ConsentState.OptedIn or ConsentState.OptedOut))
        {
            return Problems.Validation("state must be 'opted_in' (an import, with evidence) or 'opted_out' (a revocation).", "state");
        }

        var evidence = request.Evidence;
        if (state == ConsentState.OptedIn && (string.IsNullOrWhiteSpace(evidence?.Method) || evidence.CollectedAt is null))
        {
            return Problems.Validation("Importing an opt-in needs evidence: method and collectedAt, with the text the contact agreed to and a reference where you have them.", "evidence");
        }

        var cause = new AuditEntry(state == ConsentState.OptedIn ? "consent_import" : "consent_revocation")
        {
            Text = evidence?.Text,
            Detail = evidence is null ? null : $"method={evidence.Method}; collectedAt={evidence.CollectedAt:O}; reference={evidence.Reference}",
        };
        var outcome = await conversations.ApplyAsync(line!, contact!, channel, at => state == ConsentState.OptedIn
                ? new ConsentImported(state, new ConsentEvidence(evidence!.Method!, evidence.CollectedAt!.Value, evidence.Text, evidence.Reference), at)
                : new ConsentRevoked(evidence?.Method ?? "staff", at),
            cause, ct);
        if (outcome.Refusal is { } refusal)
        {
            return Problems.Conflict("consent-import-refused", refusal);
        }

        return TypedResults.Ok(new { line = line!.Number, contact, channel = channel.Name(), state = outcome.State.Name(), since = outcome.Since });
    }
}
