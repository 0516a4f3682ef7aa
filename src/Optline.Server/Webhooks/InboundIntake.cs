using Microsoft.AspNetCore.Http.HttpResults;
using Optline.Core.Consent;
using Optline.Core.Phones;
using Optline.Server.Api;
using Optline.Server.Outbox;
using Optline.Storage.Conversations;
using Optline.Storage.Organizations;

namespace Optline.Server.Webhooks;

/// <summary>A contact's message from any carrier, before routing: raw numbers as the carrier wrote them.</summary>
public sealed record CarrierMessage(
    string Provider, string ProviderMessageId, Channel Channel, string LineNumber, string ContactNumber, string Body,
    bool CarrierOptOut = false, string? Signature = null, string? PayloadSha256 = null, int NumMedia = 0);

/// <summary>
/// Routes a verified carrier message to its line (the number it was sent to) and runs it through the same
/// unit of work whichever carrier it came from — Twilio, WhatsApp or the simulator. An opt-out is acknowledged only
/// once the sends to that contact already under way on this node have been answered by the carrier.
/// </summary>
public sealed class InboundIntake(OrganizationStore organizations, ConversationService conversations, SendsInFlight inFlight)
{
    /// <summary>Longest an opt-out's acknowledgement waits for a send under way (below a carrier's 15 s webhook timeout).</summary>
    private static readonly TimeSpan InFlightWait = TimeSpan.FromSeconds(10);

    public async Task<(EventOutcome? Outcome, ProblemHttpResult? Problem)> AcceptAsync(CarrierMessage message, CancellationToken ct)
    {
        if (!PhoneNumbers.TryNormalize(message.LineNumber, out var lineNumber, out var lineError))
        {
            return (null, Problems.InvalidNumber(Addressing.NumberError(message.LineNumber, lineError), "to"));
        }

        if (!PhoneNumbers.TryNormalize(message.ContactNumber, out var contact, out var contactError))
        {
            return (null, Problems.InvalidNumber(Addressing.NumberError(message.ContactNumber, contactError), "from"));
        }

        var line = await organizations.FindLineByNumberAsync(lineNumber, ct);
        if (line is null)
        {
            return (null, Problems.NotFound("line", $"{lineNumber} is not an Optline line; the message was not stored."));
        }

        var outcome = await conversations.ContactSendAsync(new InboundMessage(
            message.Provider, message.ProviderMessageId, message.Channel, line, contact, message.Body,
            message.CarrierOptOut, message.Signature, message.PayloadSha256, message.NumMedia), ct);
        if (outcome.State == ConsentState.OptedOut)
        {
            await inFlight.WaitAsync(contact, InFlightWait, ct);
        }

        return (outcome, null);
    }
}
