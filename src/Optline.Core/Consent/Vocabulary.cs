namespace Optline.Core.Consent;

/// <summary>The two channels a conversation runs on.</summary>
public enum Channel
{
    Sms,
    WhatsApp,
}

/// <summary>The consent of one conversation (line, contact, channel).</summary>
public enum ConsentState
{
    None,
    Pending,
    OptedIn,
    OptedOut,
}

/// <summary>Who started the opt-in request that is pending.</summary>
public enum Initiator
{
    Line,
    Contact,
}

/// <summary>Inbound runs from the contact to the line; outbound from the line to the contact.</summary>
public enum Direction
{
    Inbound,
    Outbound,
}

/// <summary>Where an opt-out came from.</summary>
public enum OptOutSource
{
    /// <summary>The contact asked, by keyword or by a reasonable-person phrase.</summary>
    Contact,

    /// <summary>The carrier reported it (Twilio OptOutType=STOP, error 21610, WhatsApp user preference).</summary>
    Provider,

    /// <summary>Staff revoked consent, or imported an opt-out collected elsewhere.</summary>
    Admin,

    /// <summary>A line user reviewed a flagged message and judged it an opt-out.</summary>
    Review,

    /// <summary>The contact opted out on another channel or line within the opt-out scope.</summary>
    Scope,
}

/// <summary>How far an opt-out reaches (PRODUCT.md §5).</summary>
public enum OptOutScope
{
    /// <summary>Every channel of the line the STOP came in on.</summary>
    Line,

    /// <summary>Every line of the organization.</summary>
    Organization,
}

/// <summary>What became of the message that triggered a decision.</summary>
public enum MessageStatus
{
    Held,
    Queued,
    Blocked,
    Delivered,
}

/// <summary>Why a line message was refused.</summary>
public enum BlockReason
{
    OptedOut,
    WhatsAppWindowClosed,
}

public static class VocabularyNames
{
    public static string Name(this Channel channel) => channel switch
    {
        Channel.Sms => "sms",
        Channel.WhatsApp => "whatsapp",
        _ => throw new ArgumentOutOfRangeException(nameof(channel)),
    };

    public static string Name(this ConsentState state) => state switch
    {
        ConsentState.None => "none",
        ConsentState.Pending => "pending",
        ConsentState.OptedIn => "opted_in",
        ConsentState.OptedOut => "opted_out",
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };

    public static string Name(this MessageStatus status) => status switch
    {
        MessageStatus.Held => "held",
        MessageStatus.Queued => "queued",
        MessageStatus.Blocked => "blocked",
        MessageStatus.Delivered => "delivered",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public static string Name(this BlockReason reason) => reason switch
    {
        BlockReason.OptedOut => "opted_out",
        BlockReason.WhatsAppWindowClosed => "whatsapp_window_closed",
        _ => throw new ArgumentOutOfRangeException(nameof(reason)),
    };

    public static string Name(this OptOutSource source) => source switch
    {
        OptOutSource.Contact => "contact",
        OptOutSource.Provider => "provider",
        OptOutSource.Admin => "admin",
        OptOutSource.Review => "review",
        OptOutSource.Scope => "scope",
        _ => throw new ArgumentOutOfRangeException(nameof(source)),
    };

    public static string Name(this Initiator initiator) => initiator == Initiator.Line ? "line" : "contact";

    public static string Name(this Direction direction) => direction == Direction.Inbound ? "inbound" : "outbound";

    public static string Name(this OptOutScope scope) => scope == OptOutScope.Line ? "line" : "organization";

    public static bool TryParseChannel(string? text, out Channel channel)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "sms":
                channel = Channel.Sms;
                return true;
            case "whatsapp":
                channel = Channel.WhatsApp;
                return true;
            default:
                channel = default;
                return false;
        }
    }

    public static bool TryParseState(string? text, out ConsentState state)
    {
        foreach (var candidate in Enum.GetValues<ConsentState>())
        {
            if (string.Equals(candidate.Name(), text, StringComparison.OrdinalIgnoreCase))
            {
                state = candidate;
                return true;
            }
        }

        state = default;
        return false;
    }

    public static bool TryParseScope(string? text, out OptOutScope scope)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "line":
                scope = OptOutScope.Line;
                return true;
            case "organization":
                scope = OptOutScope.Organization;
                return true;
            default:
                scope = default;
                return false;
        }
    }
}
