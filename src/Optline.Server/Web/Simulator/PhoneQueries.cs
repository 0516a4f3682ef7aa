using Optline.Core.Consent;
using Optline.Storage.Conversations;
using Optline.Storage.Organizations;

namespace Optline.Server.Web.Simulator;

/// <summary>One bubble on the simulated phone: written by the contact, or received from the line.</summary>
public sealed record PhoneMessage(bool FromContact, string Body, DateTimeOffset At);

/// <summary>What the simulated contact's phone shows for one line and channel, in the order the phone had them.</summary>
public sealed record PhoneView(Line Line, string Contact, Channel Channel, IReadOnlyList<PhoneMessage> Messages);

/// <summary>
/// Reads the simulated phone: what the carrier "sent" to the contact from this line (sent or delivered, in sending order,
/// as <c>GET /simulator/outbound</c> shows it) and what the contact wrote to the line.
/// </summary>
public sealed class PhoneQueries(ConversationQueries conversations)
{
    public const int Shown = 200;
    private const int Scan = 1000;

    public async Task<PhoneView> ReadAsync(Line line, string contact, Channel channel, CancellationToken ct)
    {
        var received = (await conversations.SimulatedOutboundAsync(contact, [channel], 0, Scan, ct))
            .Where(m => m.From == line.Number)
            .Select(m => new PhoneMessage(false, m.Body, m.At));

        var written = new List<PhoneMessage>();
        if (await conversations.FindAsync(line.Id, contact, channel, ct) is { } row)
        {
            written.AddRange((await conversations.TimelineAsync(row.Id, 0, Scan, ct))
                .Where(i => i.Kind == "message" && i.Direction == Direction.Inbound.Name())
                .Select(i => new PhoneMessage(true, i.Body, i.At)));
        }

        var messages = received.Concat(written).OrderBy(m => m.At).ThenBy(m => m.FromContact ? 0 : 1).TakeLast(Shown).ToList();
        return new PhoneView(line, contact, channel, messages);
    }
}
