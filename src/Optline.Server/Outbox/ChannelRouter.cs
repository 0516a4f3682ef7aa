using Optline.Channels.Sending;
using Optline.Channels.Simulator;
using Optline.Channels.Twilio;
using Optline.Channels.WhatsApp;
using Optline.Core.Consent;
using Optline.Server.Hosting;

namespace Optline.Server.Outbox;

/// <summary>Picks the configured carrier for each channel: the simulator, Twilio or the WhatsApp Cloud API.</summary>
public sealed class ChannelRouter
{
    private readonly Func<Channel, IChannelSender> _route;

    public ChannelRouter(ChannelProviderOptions providers, IServiceProvider services)
    {
        var simulator = new SimulatorSender();
        _route = channel => channel switch
        {
            Channel.Sms when providers.SmsIsTwilio => services.GetRequiredService<TwilioSender>(),
            Channel.WhatsApp when providers.WhatsAppIsCloudApi => services.GetRequiredService<WhatsAppSender>(),
            _ => simulator,
        };
    }

    private ChannelRouter(IChannelSender sender) => _route = _ => sender;

    /// <summary>Every channel through one sender (a load run's in-process fake carrier).</summary>
    public static ChannelRouter Always(IChannelSender sender) => new(sender);

    public IChannelSender For(Channel channel) => _route(channel);
}
