using Microsoft.AspNetCore.Mvc;
using Optline.Core.Consent;
using Optline.Core.Messages;
using Optline.Server.Api;
using Optline.Storage.Conversations;
using Optline.Storage.Database;

namespace Optline.Server.Messages;

public sealed record SendMessageRequest(string? From, string? To, string? Body, string? Channel);

public sealed record ConsentView(string State, DateTimeOffset? Since);

public sealed record SendMessageResponse(Guid Id, string Status, string? Reason, ConsentView Consent);

/// <summary><c>POST /api/v1/messages</c>: a line writes to a contact; the answer says whether it was queued, held or blocked, and why.</summary>
public static class MessagesApi
{
    public static RouteGroupBuilder MapMessages(this RouteGroupBuilder api)
    {
        api.MapPost("/messages", SendAsync).WithTags("Messages");
        return api;
    }

    private static async Task<IResult> SendAsync(
        SendMessageRequest? request, [FromHeader(Name = IdempotencyKey.Header)] string? idempotencyKey, HttpContext http, Addressing addressing,
        ConversationService conversations, CancellationToken ct)
    {
        if (request is null)
        {
            return Problems.Validation("The body must be a JSON object {from, to, body, channel}.");
        }

        var principal = http.Principal();
        var (channel, channelProblem) = Addressing.ChannelOf(request.Channel);
        if (channelProblem is not null)
        {
            return channelProblem;
        }

        var (line, lineProblem) = await addressing.LineAsync(principal, request.From, "from", ct);
        if (lineProblem is not null)
        {
            return lineProblem;
        }

        var (contact, contactProblem) = Addressing.Contact(request.To, "to");
        if (contactProblem is not null)
        {
            return contactProblem;
        }

        if (MessageLimits.Check(request.Body, channel) is { } bodyError)
        {
            return Problems.Of(400, "invalid-message-body", "The message body is not valid.", bodyError, new Dictionary<string, object?> { ["field"] = "body" });
        }

        if (IdempotencyKey.Check(http.Request) is { } keyProblem)
        {
            return keyProblem;
        }

        var outcome = await conversations.LineSendAsync(line!, contact!, channel, request.Body!, principal.IsAdmin ? "admin" : "line", idempotencyKey, ct);
        if (outcome.Duplicate)
        {
            http.Response.Headers[IdempotencyKey.ReplayedHeader] = "true";
        }

        return TypedResults.Accepted((string?)null, new SendMessageResponse(outcome.MessageId!.Value, outcome.Status!, outcome.Reason, new ConsentView(outcome.State.Name(), outcome.Since)));
    }
}
