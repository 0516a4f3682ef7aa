using Optline.Core.Consent;
using Optline.Server.Api;
using Optline.Server.Messages;
using Optline.Storage.Conversations;

namespace Optline.Server.Conversations;

public sealed record TimelineEntry(Guid Id, string Kind, string? Direction, string Body, string Status, string? Reason, string? TemplateId, DateTimeOffset At);

/// <summary><c>GET /api/v1/conversations</c>: a line's timeline with one contact on one channel — messages and notices, oldest first.</summary>
public static class ConversationsApi
{
    public static RouteGroupBuilder MapConversations(this RouteGroupBuilder api)
    {
        api.MapGet("/conversations", GetAsync).WithTags("Conversations");
        return api;
    }

    private static async Task<IResult> GetAsync(HttpContext http, Addressing addressing, ConversationQueries queries, CancellationToken ct)
    {
        var query = http.Request.Query;
        var (line, lineProblem) = await addressing.LineAsync(http.Principal(), query["line"], "line", ct);
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
        var items = row is null ? [] : await queries.TimelineAsync(row.Id, paging.After, paging.Limit, ct);
        return TypedResults.Ok(new
        {
            line = line.Number,
            lineId = line.Id,
            displayName = line.DisplayName,
            contact,
            channel = channel.Name(),
            consent = new ConsentView((row?.State.State ?? ConsentState.None).Name(), row?.State.Since),
            heldCount = items.Count(i => i.Status == MessageStatuses.Held),
            items = items.Select(i => new TimelineEntry(i.Id, i.Kind, i.Direction, i.Body, i.Status, i.Reason, i.TemplateId, i.At)),
            next = Paging.Next(items, paging.Limit, i => i.Seq),
        });
    }
}
