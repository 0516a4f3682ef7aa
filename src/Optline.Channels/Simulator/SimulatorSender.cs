using Optline.Channels.Sending;

namespace Optline.Channels.Simulator;

/// <summary>The built-in carrier: sends nothing; the server shows what was "sent" from its own records.</summary>
public sealed class SimulatorSender : IChannelSender
{
    public Task<SendResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(SendResult.Sent("sim-" + Guid.NewGuid()));
    }
}
