using Optline.Core.Consent;

namespace Optline.Storage.Outbox;

/// <summary>The consent re-check at the moment of sending: null when the message may leave, else why not.</summary>
public static class ConsentRecheck
{
    public static string? Refusal(string requires, ConsentState state, bool afterOptOut, ConsentPolicy policy, Channel channel,
        DateTimeOffset? lastInbound, bool asWhatsAppTemplate, DateTimeOffset now)
    {
        var allowed = requires switch
        {
            SendRequirement.Consent => state == ConsentState.OptedIn
                || (!policy.IsGated(channel) && state != ConsentState.OptedOut && !(state == ConsentState.Pending && afterOptOut)),
            SendRequirement.Pending => state == ConsentState.Pending,
            SendRequirement.OptedIn => state == ConsentState.OptedIn,
            SendRequirement.Never => false,
            _ => true,
        };
        if (!allowed)
        {
            return state == ConsentState.OptedOut || requires == SendRequirement.Never ? "opted_out" : "consent_changed";
        }

        var windowClosed = channel == Channel.WhatsApp && !asWhatsAppTemplate
            && (lastInbound is not { } last || now - last >= policy.WhatsAppWindow);
        return windowClosed ? "whatsapp_window_closed" : null;
    }
}
