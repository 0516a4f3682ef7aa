using Optline.Channels.Sending;
using Optline.Channels.Simulator;
using Optline.Channels.Twilio;
using Optline.Channels.WhatsApp;
using Optline.Core.Consent;
using Optline.Server.Hosting;

namespace Optline.Server.Outbox;

/// <summary>Picks the configured carrier for each channel: the simulator, Twilio or the WhatsApp Cloud API.</summary>
public sealed class ChannelRouter(ChannelProviderOptions providers, IServiceProvider services)
{
    private readonly SimulatorSender _simulator = new();

    public IChannelSender For(Channel channel) => channel switch
    {
        Channel.Sms when providers.SmsIsTwilio => services.GetRequiredService<TwilioSender>(),
        Channel.WhatsApp when providers.WhatsAppIsCloudApi => services.GetRequiredService<WhatsAppSender>(),
        _ => _simulator,
    };
}
