using Optline.Channels.Sending;
using Optline.Channels.Simulator;
using Optline.Core.Consent;

namespace Optline.Channels.Tests.Simulator;

public sealed class SimulatorSenderTests
{
    [Fact]
    public async Task Every_send_succeeds_with_its_own_simulator_id()
    {
        var sender = new SimulatorSender();
        var message = new OutboundMessage(Channel.Sms, "+12015550101", "+12015550123", "hi");

        var first = await sender.SendAsync(message, CancellationToken.None);
        var second = await sender.SendAsync(message with { Channel = Channel.WhatsApp }, CancellationToken.None);

        Assert.Equal(SendOutcome.Sent, first.Outcome);
        Assert.StartsWith("sim-", first.ProviderMessageId);
        Assert.True(Guid.TryParse(first.ProviderMessageId!["sim-".Length..], out _));
        Assert.NotEqual(first.ProviderMessageId, second.ProviderMessageId);
    }
}
