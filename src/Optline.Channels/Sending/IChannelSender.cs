namespace Optline.Channels.Sending;

/// <summary>Hands one message to a carrier and reports how it went; never throws for carrier failures.</summary>
public interface IChannelSender
{
    Task<SendResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken);
}
