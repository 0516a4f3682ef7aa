using Optline.Core.Keywords;
using Optline.Core.Templates;

namespace Optline.Core.Consent;

/// <summary>
/// The working state of one decision: the conversation as it evolves and the effects gathered so far.
/// Each method is one rule's outcome; <see cref="ConsentEngine"/> chooses which apply.
/// </summary>
internal sealed class DecisionStep(Conversation conversation, ConsentPolicy policy, ConversationContext context, DateTimeOffset now)
{
    // Runs once per message: outcomes are shared, the effect list is sized once, and each rule changes the
    // conversation record in one copy.
    private static readonly MessageOutcome HeldOutcome = new(MessageStatus.Held);
    private static readonly MessageOutcome QueuedOutcome = new(MessageStatus.Queued);
    private static readonly MessageOutcome DeliveredOutcome = new(MessageStatus.Delivered);

    /// <summary>An opt-in or opt-out emits up to six effects, plus one per held message.</summary>
    private readonly List<Effect> _effects = new(6 + conversation.Held.Count);
    private MessageOutcome? _outcome;
    private Classification? _classification;
    private string? _refusal;
    private string _language = policy.DefaultLanguage;

    public Conversation Conversation { get; private set; } = conversation;

    public ConsentPolicy Policy => policy;

    /// <summary>
    /// Whether consent is needed before messages flow: always on WhatsApp, on SMS when the organization
    /// requires it, and always for a contact who opted out until they consent again.
    /// </summary>
    public bool IsGated =>
        policy.IsGated(context.Channel)
        || Conversation.State == ConsentState.OptedOut
        || Conversation.Request is { AfterOptOut: true };

    public bool WhatsAppWindowClosed =>
        context.Channel == Channel.WhatsApp
        && (Conversation.LastInboundAt is not { } last || now - last >= policy.WhatsAppWindow);

    /// <summary>A pending request older than the request validity no longer counts: a YES to it is an ordinary message.</summary>
    public bool RequestIsStale =>
        Conversation.Request is { } request && now - request.LastRequestAt > policy.RequestValidity;

    public Decision ToDecision() => new(Conversation, _effects, _outcome, _classification, _refusal);

    public void Classified(Classification classification, DateTimeOffset at)
    {
        _classification = classification;
        _language = classification.Language ?? policy.DefaultLanguage;
        if (context.Channel == Channel.WhatsApp)
        {
            Conversation = Conversation with { LastInboundAt = at };
        }
    }

    public void ExpireStaleHeldMessages()
    {
        var held = Conversation.Held;
        if (held.Count == 0 || now - held[0].HeldAt < policy.HeldMessageTtl)
        {
            return;
        }

        var kept = new List<HeldMessage>(held.Count);
        foreach (var message in held)
        {
            if (now - message.HeldAt >= policy.HeldMessageTtl)
            {
                _effects.Add(new Expire(message.MessageId, message.Direction));
            }
            else
            {
                kept.Add(message);
            }
        }

        Conversation = Conversation with { Held = kept };
    }

    public void Hold(Guid messageId, Direction direction)
    {
        _effects.Add(new Hold(messageId, direction));
        Conversation = Conversation with { Held = [.. Conversation.Held, new HeldMessage(messageId, direction, now)] };
        _outcome = HeldOutcome;
    }

    public void QueueForContact(Guid messageId)
    {
        _effects.Add(new QueueForContact(messageId));
        _outcome = QueuedOutcome;
    }

    public void Deliver(Guid messageId)
    {
        _effects.Add(new DeliverToLine(messageId));
        _outcome = DeliveredOutcome;
    }

    public void Block(Guid messageId, BlockReason reason)
    {
        _effects.Add(new Block(messageId, reason));
        _outcome = new MessageOutcome(MessageStatus.Blocked, reason);
    }

    public void FlagForReview(Guid messageId, string rule) => _effects.Add(new FlagForReview(messageId, rule));

    public void Note(string @event, string detail) => _effects.Add(new AuditNote(@event, detail));

    public void Refuse(string reason)
    {
        _refusal = reason;
        _effects.Add(new AuditNote("refused", reason));
    }

    public void SendToContact(TemplateId id, bool asWhatsAppTemplate = false) =>
        _effects.Add(new SendToContact(Render(id), asWhatsAppTemplate));

    /// <summary>Notices are for the line user: always in the organization's language, whatever the contact wrote in.</summary>
    public void Notice(TemplateId id) =>
        _effects.Add(new NoticeToLine(policy.Templates.Render(id, policy.DefaultLanguage, policy.DefaultLanguage, context.TemplateValues)));

    /// <summary>First contact on a gated conversation: the request to the contact, the notice to the line, → pending.</summary>
    public void StartRequest(Initiator initiator, string cause)
    {
        var afterOptOut = Conversation.State == ConsentState.OptedOut;
        SendRequest(initiator);
        Notice(initiator == Initiator.Line ? TemplateId.LinePendingNotice : TemplateId.ContactPendingNotice);
        ChangeState(
            ConsentState.Pending,
            cause,
            initiator == Initiator.Line ? "first_contact_by_line" : "first_contact_by_contact",
            request: new PendingRequest(initiator, now, now, 1, afterOptOut));
    }

    /// <summary>While pending: another request once the cooldown has passed and fewer than the maximum were sent; a stale request starts the count again.</summary>
    public void RequestAgainIfAllowed()
    {
        var request = Conversation.Request!;
        if (now - request.LastRequestAt > policy.RequestValidity)
        {
            SendRequest(request.InitiatedBy);
            Conversation = Conversation with { Request = request with { FirstRequestAt = now, LastRequestAt = now, RequestsSent = 1 } };
            Note("request_restarted", $"the last request was older than {policy.RequestValidity}");
            return;
        }

        if (request.RequestsSent >= policy.MaxRequests)
        {
            Note("request_suppressed", $"{request.RequestsSent} of {policy.MaxRequests} requests already sent");
            return;
        }

        if (now - request.LastRequestAt < policy.RequestCooldown)
        {
            Note("request_suppressed", $"cooldown of {policy.RequestCooldown} not over since {request.LastRequestAt:O}");
            return;
        }

        SendRequest(request.InitiatedBy);
        Conversation = Conversation with { Request = request with { LastRequestAt = now, RequestsSent = request.RequestsSent + 1 } };
    }

    /// <summary>The contact consented: the initiator's confirmation and notice, → opted_in, held messages go on in order.</summary>
    public void OptIn(Initiator initiator, string rule)
    {
        SendToContact(initiator == Initiator.Line ? TemplateId.LineOptedInConfirm : TemplateId.ContactOptedInConfirm);
        Notice(initiator == Initiator.Line ? TemplateId.LineOptedInNotice : TemplateId.ContactOptedInNotice);
        var held = Conversation.Held;
        ChangeState(ConsentState.OptedIn, "contact_opted_in", rule, held: []);
        AddReleases(held);
    }

    public void ImportOptIn(string how)
    {
        var held = Conversation.Held;
        ChangeState(ConsentState.OptedIn, "consent_imported", how, held: []);
        AddReleases(held);
    }

    /// <summary>
    /// An opt-out: held messages both ways and queued sends cancelled, the confirmation to the contact (unless the
    /// carrier or staff answer for it), the notice to the line, → opted_out, and the opt-out carried across its scope.
    /// </summary>
    public void OptOut(OptOutSource source, string cause, string how, bool confirmToContact, bool propagate = true)
    {
        if (Conversation.State == ConsentState.OptedOut)
        {
            // The latest opt-out is the one an imported opt-in must postdate.
            Note("opt_out_repeated", how);
            Conversation = Conversation with { Since = now };
            return;
        }

        foreach (var held in Conversation.Held)
        {
            _effects.Add(new Cancel(held.MessageId, held.Direction));
        }

        _effects.Add(new CancelQueued());
        if (confirmToContact)
        {
            SendToContact(TemplateId.OptOutConfirm);
        }

        Notice(TemplateId.OptOutNotice);
        ChangeState(ConsentState.OptedOut, cause, how, held: [], optOut: new OptOutRecord(source, how));
        if (propagate)
        {
            _effects.Add(new PropagateOptOut(policy.OptOutScope));
        }
    }

    public void ReleaseHeld()
    {
        if (Conversation.Held.Count > 0)
        {
            AddReleases(Conversation.Held);
            Conversation = Conversation with { Held = [] };
        }
    }

    /// <summary>Held messages go on, oldest first.</summary>
    private void AddReleases(IReadOnlyList<HeldMessage> held)
    {
        foreach (var message in held)
        {
            _effects.Add(new Release(message.MessageId, message.Direction));
        }
    }

    private void SendRequest(Initiator initiator) =>
        SendToContact(initiator == Initiator.Line ? TemplateId.LineRequest : TemplateId.ContactRequest, asWhatsAppTemplate: WhatsAppWindowClosed);

    /// <summary>
    /// → <paramref name="to"/>, in one copy of the conversation: the request is kept only while pending and the
    /// opt-out record only while opted out; <paramref name="held"/>, <paramref name="request"/> and
    /// <paramref name="optOut"/> replace the current ones when given.
    /// </summary>
    private void ChangeState(ConsentState to, string cause, string rule, IReadOnlyList<HeldMessage>? held = null, PendingRequest? request = null, OptOutRecord? optOut = null)
    {
        _effects.Add(new ConsentChanged(Conversation.State, to, cause, rule));
        Conversation = Conversation with
        {
            State = to,
            Since = now,
            Request = to == ConsentState.Pending ? request ?? Conversation.Request : null,
            OptOut = to == ConsentState.OptedOut ? optOut ?? Conversation.OptOut : null,
            Held = held ?? Conversation.Held,
        };
    }

    private RenderedText Render(TemplateId id) =>
        policy.Templates.Render(id, _language, policy.DefaultLanguage, context.TemplateValues);
}
