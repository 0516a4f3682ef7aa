using Optline.Core.Keywords;
using Optline.Core.Templates;

namespace Optline.Core.Consent;

/// <summary>
/// The consent rules of PRODUCT.md §2–§5 as one pure function:
/// <c>Decide(conversation, event, policy, context) → (conversation', effects)</c>.
/// No I/O and no clock: the time is the event's.
/// </summary>
public static class ConsentEngine
{
    public static Decision Decide(Conversation conversation, ConsentEvent @event, ConsentPolicy policy, ConversationContext context)
    {
        var step = new DecisionStep(conversation, policy, context, @event.At);
        step.ExpireStaleHeldMessages();
        switch (@event)
        {
            case LineSent sent:
                LineSends(step, sent);
                break;
            case ContactSent sent:
                ContactSends(step, sent);
                break;
            case CarrierReportedOptOut reported:
                step.OptOut(OptOutSource.Provider, "carrier_opt_out", reported.Reason, confirmToContact: false);
                break;
            case ConsentRevoked revoked:
                step.OptOut(OptOutSource.Admin, "consent_revoked", revoked.Reason, confirmToContact: false);
                break;
            case ConsentImported imported:
                Import(step, imported);
                break;
            case OptedOutElsewhere elsewhere:
                step.OptOut(OptOutSource.Scope, "opted_out_elsewhere", elsewhere.Where, confirmToContact: false, propagate: false);
                break;
            case ReviewedAsOptOut reviewed:
                step.OptOut(OptOutSource.Review, "review_opt_out", $"review:{reviewed.MessageId}", confirmToContact: true);
                break;
            case OptInRequirementLifted:
                if (context.Channel == Channel.Sms && !step.IsGated)
                {
                    step.ReleaseHeld();
                }

                break;
            case TimePassed:
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(@event), @event.GetType().Name, "Unknown consent event.");
        }

        return step.ToDecision();
    }

    private static void LineSends(DecisionStep step, LineSent sent)
    {
        var state = step.Conversation.State;
        if (state == ConsentState.OptedOut)
        {
            step.Block(sent.MessageId, BlockReason.OptedOut);
            step.Notice(TemplateId.OptOutNotice);
            return;
        }

        if (!step.IsGated)
        {
            step.QueueForContact(sent.MessageId);
            return;
        }

        switch (state)
        {
            case ConsentState.None:
                step.Hold(sent.MessageId, Direction.Outbound);
                step.StartRequest(Initiator.Line, "line_sent");
                break;
            case ConsentState.Pending:
                step.Hold(sent.MessageId, Direction.Outbound);
                step.RequestAgainIfAllowed();
                break;
            case ConsentState.OptedIn when step.WhatsAppWindowClosed:
                step.Block(sent.MessageId, BlockReason.WhatsAppWindowClosed);
                break;
            default:
                step.QueueForContact(sent.MessageId);
                break;
        }
    }

    private static void ContactSends(DecisionStep step, ContactSent sent)
    {
        var classification = sent.CarrierOptOut
            ? new Classification(Intent.Stop, "carrier:OptOutType=STOP", null, false, KeywordClassifier.Version)
            : step.Policy.Classifier.Classify(sent.Body);
        step.Classified(classification, sent.At);

        switch (classification.Intent)
        {
            case Intent.Stop:
                step.Deliver(sent.MessageId);
                step.OptOut(
                    sent.CarrierOptOut ? OptOutSource.Provider : OptOutSource.Contact,
                    "contact_stop",
                    classification.Rule,
                    confirmToContact: !sent.CarrierOptOut);
                break;
            case Intent.Yes or Intent.Start:
                ContactConsents(step, sent, classification);
                break;
            case Intent.Help:
                step.SendToContact(TemplateId.Help);
                step.Deliver(sent.MessageId);
                break;
            default:
                ContactWrites(step, sent);
                if (classification.FlagForReview)
                {
                    step.FlagForReview(sent.MessageId, classification.Rule);
                }

                break;
        }
    }

    private static void ContactConsents(DecisionStep step, ContactSent sent, Classification classification)
    {
        var conversation = step.Conversation;
        switch (conversation.State)
        {
            case ConsentState.Pending when step.RequestIsStale:
                ContactWrites(step, sent);
                break;
            case ConsentState.Pending:
                step.Deliver(sent.MessageId);
                step.OptIn(conversation.Request!.InitiatedBy, classification.Rule);
                break;
            case ConsentState.OptedOut:
                step.Deliver(sent.MessageId);
                step.OptIn(Initiator.Contact, classification.Rule);
                break;
            case ConsentState.None when step.IsGated:
                ContactWrites(step, sent);
                break;
            default:
                step.Deliver(sent.MessageId);
                break;
        }
    }

    /// <summary>A message that is not a keyword (or a YES that no longer answers a live request).</summary>
    private static void ContactWrites(DecisionStep step, ContactSent sent)
    {
        var state = step.Conversation.State;
        if (!step.IsGated || state == ConsentState.OptedIn)
        {
            step.Deliver(sent.MessageId);
            return;
        }

        step.Hold(sent.MessageId, Direction.Inbound);
        if (state == ConsentState.Pending)
        {
            step.RequestAgainIfAllowed();
        }
        else
        {
            step.StartRequest(Initiator.Contact, "contact_sent");
        }
    }

    private static void Import(DecisionStep step, ConsentImported imported)
    {
        var conversation = step.Conversation;
        var how = $"import:{imported.Evidence.Method}";
        switch (imported.State)
        {
            case ConsentState.OptedOut:
                step.OptOut(OptOutSource.Admin, "consent_imported", how, confirmToContact: false);
                break;
            case ConsentState.OptedIn when conversation.State == ConsentState.OptedOut && conversation.Since > imported.Evidence.CollectedAt:
                step.Refuse($"The contact opted out at {conversation.Since:O}, after this evidence was collected ({imported.Evidence.CollectedAt:O}); only the contact can opt in again.");
                break;
            case ConsentState.OptedIn when conversation.Request is { AfterOptOut: true } request && request.FirstRequestAt > imported.Evidence.CollectedAt:
                step.Refuse($"The contact opted out before writing again at {request.FirstRequestAt:O}; this evidence ({imported.Evidence.CollectedAt:O}) may predate the opt-out, so only the contact can opt in again.");
                break;
            case ConsentState.OptedIn when imported.Evidence.CollectedAt > imported.At:
                step.Refuse("The evidence is dated in the future.");
                break;
            case ConsentState.OptedIn when conversation.State == ConsentState.OptedIn:
                step.Note("consent_import_confirmed", how);
                break;
            case ConsentState.OptedIn:
                step.ImportOptIn(how);
                break;
            default:
                step.Refuse("Only opted_in and opted_out can be imported.");
                break;
        }
    }
}
