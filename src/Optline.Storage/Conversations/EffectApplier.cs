using Optline.Core.Consent;
using Optline.Core.Templates;
using Optline.Storage.Audit;
using Optline.Storage.Database;
using Optline.Storage.Organizations;
using Optline.Storage.Outbox;

namespace Optline.Storage.Conversations;

/// <summary>
/// Carries out a decision's effects inside the event's transaction: timeline rows, outbox rows, reviews and
/// one attestation record per effect. The triggering message's own status was written when it was inserted.
/// </summary>
internal sealed class EffectApplier(WriteContext context, OutboxOptions outbox, AuditChain audit, Line line, ConversationRow row, Guid? triggerId, string? triggerText = null)
{
    public List<OptOutScope> Propagations { get; } = [];

    public async Task ApplyAsync(IReadOnlyList<Effect> effects, CancellationToken ct)
    {
        foreach (var effect in effects)
        {
            await ApplyAsync(effect, ct);
        }
    }

    private async Task ApplyAsync(Effect effect, CancellationToken ct)
    {
        switch (effect)
        {
            case SendToContact send:
                await SendToContactAsync(send, ct);
                break;
            case NoticeToLine notice:
                var noticeId = TimeOrderedIds.New(context.Now);
                await MessageRows.InsertAsync(context, noticeId, row.Id, MessageKind.Notice, null, notice.Text.Text, MessageStatuses.Delivered, ct, template: notice.Text);
                await AuditAsync("notice_to_line", noticeId, notice.Text.Text, ct, notice.Text);
                break;
            case QueueForContact queue:
                await SetStatusUnlessTriggerAsync(queue.MessageId, MessageStatuses.Queued, ct);
                await OutboxRows.EnqueueAsync(context, outbox, queue.MessageId, row.OrganizationId, row.Id, line.Number, row.Channel, SendRequirement.Consent, ct);
                await AuditAsync("message_queued", queue.MessageId, null, ct);
                break;
            case DeliverToLine deliver:
                await SetStatusUnlessTriggerAsync(deliver.MessageId, MessageStatuses.Delivered, ct);
                await AuditAsync("message_delivered_to_line", deliver.MessageId, null, ct);
                break;
            case Hold hold:
                await SetStatusUnlessTriggerAsync(hold.MessageId, MessageStatuses.Held, ct);
                await AuditAsync("message_held", hold.MessageId, null, ct, detail: hold.Direction.Name());
                break;
            case Release release:
                await ReleaseAsync(release, ct);
                break;
            case Cancel cancel:
                await MessageRows.SetStatusAsync(context, cancel.MessageId, MessageStatuses.Cancelled, ct);
                await AuditAsync("held_message_cancelled", cancel.MessageId, null, ct, detail: cancel.Direction.Name());
                break;
            case Expire expire:
                await MessageRows.SetStatusAsync(context, expire.MessageId, MessageStatuses.Expired, ct);
                await AuditAsync("held_message_expired", expire.MessageId, null, ct, detail: expire.Direction.Name());
                break;
            case CancelQueued:
                foreach (var id in await OutboxRows.CancelQueuedAsync(context, row.Id, ct))
                {
                    await MessageRows.SetStatusAsync(context, id, MessageStatuses.Cancelled, ct, "opted_out");
                    await AuditAsync("queued_message_cancelled", id, null, ct);
                }

                break;
            case Block block:
                await SetStatusUnlessTriggerAsync(block.MessageId, MessageStatuses.Blocked, ct, block.Reason.Name());
                await AuditAsync("message_blocked", block.MessageId, null, ct, detail: block.Reason.Name());
                break;
            case FlagForReview flag:
                await using (var review = context.Command(
                    "INSERT INTO reviews (organization_id, conversation_id, message_id, rule, created_at) VALUES (@org, @conversation, @message, @rule, @now)")
                    .With("@org", row.OrganizationId).With("@conversation", row.Id).With("@message", context.Dialect.Uuid(flag.MessageId))
                    .With("@rule", flag.Rule).With("@now", context.Now.ToUnixMs()))
                {
                    await review.ExecuteLaterAsync(ct);
                }

                await AuditAsync("flagged_for_review", flag.MessageId, null, ct, rule: flag.Rule);
                break;
            case ConsentChanged changed:
                await AuditAsync(ConsentEventName(changed.To), triggerId, triggerText, ct, rule: changed.Rule, detail: $"{changed.Cause}; was {changed.From.Name()}");
                break;
            case PropagateOptOut propagate:
                Propagations.Add(propagate.Scope);
                break;
            case AuditNote note:
                await AuditAsync(note.Event, null, null, ct, detail: note.Detail);
                break;
            default:
                throw new InvalidOperationException($"No handler for effect {effect.GetType().Name}.");
        }
    }

    /// <summary>Consent transitions are recorded as <c>consent_pending</c>, <c>consent_opted_in</c>, <c>consent_opted_out</c>.</summary>
    public static string ConsentEventName(ConsentState to) => "consent_" + to.Name();

    private async Task SendToContactAsync(SendToContact send, CancellationToken ct)
    {
        var id = TimeOrderedIds.New(context.Now);
        await MessageRows.InsertAsync(context, id, row.Id, MessageKind.Message, Direction.Outbound, send.Text.Text, MessageStatuses.Queued, ct,
            template: send.Text, asWhatsAppTemplate: send.AsWhatsAppTemplate);
        await OutboxRows.EnqueueAsync(context, outbox, id, row.OrganizationId, row.Id, line.Number, row.Channel, SendRequirement.For(send.Text.Template), ct);
        await AuditAsync("automated_message_queued", id, send.Text.Text, ct, send.Text, detail: send.AsWhatsAppTemplate ? "whatsapp_template" : null);
    }

    private async Task ReleaseAsync(Release release, CancellationToken ct)
    {
        if (release.Direction == Direction.Outbound)
        {
            await MessageRows.SetStatusAsync(context, release.MessageId, MessageStatuses.Queued, ct);
            await OutboxRows.EnqueueAsync(context, outbox, release.MessageId, row.OrganizationId, row.Id, line.Number, row.Channel, SendRequirement.Consent, ct);
        }
        else
        {
            await MessageRows.SetStatusAsync(context, release.MessageId, MessageStatuses.Delivered, ct);
        }

        await AuditAsync("held_message_released", release.MessageId, null, ct, detail: release.Direction.Name());
    }

    private async Task SetStatusUnlessTriggerAsync(Guid id, string status, CancellationToken ct, string? reason = null)
    {
        if (id != triggerId)
        {
            await MessageRows.SetStatusAsync(context, id, status, ct, reason);
        }
    }

    private Task AuditAsync(string @event, Guid? messageId, string? text, CancellationToken ct, RenderedText? template = null, string? rule = null, string? detail = null) =>
        audit.AppendAsync(new AuditEntry(@event)
        {
            LineNumber = line.Number,
            Contact = row.Contact,
            Channel = row.Channel.Name(),
            MessageId = messageId?.ToString(),
            Text = text,
            TemplateId = template?.Template.Name(),
            TemplateVersion = template?.Version,
            Rule = rule,
            Detail = detail,
        }, ct);
}
