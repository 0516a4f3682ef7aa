using Optline.Core.Consent;
using Optline.Core.Phones;
using Optline.Server.Hosting;
using Optline.Server.Web.Live;
using Optline.Storage.Organizations;

namespace Optline.Server.Web.Simulator;

/// <summary><c>GET /simulator/events</c>: a server-sent event whenever the simulated conversation changes, so the phone refreshes by itself.</summary>
public static class SimulatorEvents
{
    public static IEndpointRouteBuilder MapSimulatorEvents(this IEndpointRouteBuilder app)
    {
        app.MapGet("/simulator/events", StreamAsync).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> StreamAsync(
        HttpContext http, string? line, string? contact, string? channel, string? since, ChannelProviderOptions providers, OrganizationStore organizations, LiveSignals signals)
    {
        if (!VocabularyNames.TryParseChannel(channel, out var parsedChannel) || !Optline.Server.Simulator.SimulatorApi.SimulatedChannels(providers).Contains(parsedChannel))
        {
            return Results.NotFound();
        }

        if (!PhoneNumbers.TryNormalize(line, out var lineNumber, out _) || !PhoneNumbers.TryNormalize(contact, out var contactNumber, out _)
            || await organizations.FindLineByNumberAsync(lineNumber, http.RequestAborted) is not { } found)
        {
            return Results.NotFound();
        }

        await ChangeFeed.StreamAsync(http, since, ct => signals.ConversationAsync(found.Id, contactNumber, parsedChannel, ct));
        return Results.Empty;
    }
}
