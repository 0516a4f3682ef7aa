using Optline.Core.Consent;
using Optline.Core.Phones;
using Optline.Server.Web.Auth;
using Optline.Server.Web.Live;
using Optline.Storage.Organizations;

namespace Optline.Server.Web.Inbox;

/// <summary><c>GET /inbox/events</c>: a server-sent event whenever the signed-in person's line, or the open conversation, changes.</summary>
public static class InboxEvents
{
    public static IEndpointRouteBuilder MapInboxEvents(this IEndpointRouteBuilder app)
    {
        app.MapGet("/inbox/events", StreamAsync).RequireAuthorization().ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> StreamAsync(
        HttpContext http, long? line, string? contact, string? channel, string? since, OrganizationStore organizations, LiveSignals signals)
    {
        var choice = await LineAccess.ResolveAsync(organizations, http.User.Principal(), line, http.RequestAborted);
        if (choice.Forbidden || choice.Line is not { } current)
        {
            return Results.Forbid();
        }

        VocabularyNames.TryParseChannel(channel, out var parsedChannel);
        var selected = PhoneNumbers.TryNormalize(contact, out var number, out _) ? number : null;
        await ChangeFeed.StreamAsync(http, since, ct => signals.LineAsync(current.Id, selected, parsedChannel, ct));
        return Results.Empty;
    }
}
