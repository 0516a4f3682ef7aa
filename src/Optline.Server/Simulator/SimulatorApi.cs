using Optline.Core.Consent;
using Optline.Server.Api;
using Optline.Server.Hosting;
using Optline.Server.Webhooks;
using Optline.Storage.Conversations;

namespace Optline.Server.Simulator;

public sealed record SimulatedInbound(string? From, string? To, string? Body, string? Channel, string? Id);

/// <summary>
/// The built-in carrier: <c>POST /simulator/inbound</c> plays the contact through exactly the carriers' pipeline,
/// <c>GET /simulator/outbound</c> shows what the contact's phone received.
/// </summary>
public static class SimulatorApi
{
    public static IEndpointRouteBuilder MapSimulator(this IEndpointRouteBuilder app)
    {
        var simulator = app.MapGroup("/simulator").WithTags("Simulator").DisableAntiforgery();
        simulator.MapPost("/inbound", InboundAsync);
        simulator.MapGet("/outbound", OutboundAsync);
        return app;
    }

    public static IReadOnlyCollection<Channel> SimulatedChannels(ChannelProviderOptions providers)
    {
        var channels = new List<Channel>();
        if (!providers.SmsIsTwilio)
        {
            channels.Add(Channel.Sms);
        }

        if (!providers.WhatsAppIsCloudApi)
        {
            channels.Add(Channel.WhatsApp);
        }

        return channels;
    }

    private static async Task<IResult> InboundAsync(SimulatedInbound? request, ChannelProviderOptions providers, InboundIntake intake, CancellationToken ct)
    {
        if (request is null)
        {
            return Problems.Validation("The body must be a JSON object {from, to, body, channel}.");
        }

        var (channel, channelProblem) = Addressing.ChannelOf(request.Channel);
        if (channelProblem is not null)
        {
            return channelProblem;
        }

        if (!SimulatedChannels(providers).Contains(channel))
        {
            return Problems.Of(409, "simulator-off", "The simulator is off for this channel.", $"{channel.Name()} goes through a real carrier; play the contact on a real phone.");
        }

        if (Core.Messages.MessageLimits.Check(request.Body, channel) is { } bodyError)
        {
            return Problems.Of(400, "invalid-message-body", "The message body is not valid.", bodyError);
        }

        var (outcome, refused) = await intake.AcceptAsync(new CarrierMessage("simulator", request.Id ?? "sim-in-" + Guid.NewGuid().ToString("N"), channel,
            request.To ?? string.Empty, request.From ?? string.Empty, request.Body!, Signature: "simulator"), ct);
        if (refused is not null)
        {
            return refused;
        }

        return TypedResults.Ok(new { id = outcome!.MessageId, status = outcome.Status, duplicate = outcome.Duplicate, consent = new { state = outcome.State.Name(), since = outcome.Since } });
    }

    private static async Task<IResult> OutboundAsync(HttpRequest request, ChannelProviderOptions providers, ConversationQueries queries, CancellationToken ct)
    {
        string? to = null;
        if (!string.IsNullOrWhiteSpace(request.Query["to"]))
        {
            var (number, problem) = Addressing.Contact(request.Query["to"], "to");
            if (problem is not null)
            {
                return problem;
            }

            to = number;
        }

        if (!Paging.TryParse(request, out var paging, out var error))
        {
            return Problems.Validation(error);
        }

        var items = await queries.SimulatedOutboundAsync(to, SimulatedChannels(providers), paging.After, paging.Limit, ct);
        return TypedResults.Ok(new
        {
            items = items.Select(m => new { id = m.Id, channel = m.Channel, from = m.From, to = m.To, body = m.Body, status = m.Status, at = m.At }),
            next = items.Count == paging.Limit ? (paging.After + items.Count).ToString(System.Globalization.CultureInfo.InvariantCulture) : null,
        });
    }
}
