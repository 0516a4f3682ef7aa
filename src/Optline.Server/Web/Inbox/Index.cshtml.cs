using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Optline.Core.Consent;
using Optline.Core.Messages;
using Optline.Core.Phones;
using Optline.Server.Web.Auth;
using Optline.Server.Web.Live;
using Optline.Server.Web.Shared;
using Optline.Storage.Conversations;
using Optline.Storage.Organizations;

namespace Optline.Server.Web.Inbox;

/// <summary>
/// <c>/inbox</c>: a line's conversations with their consent at a glance, the open thread, and the send box. The list and the
/// thread are live regions refreshed when the event stream reports a change; sending posts the form and redirects back.
/// </summary>
public sealed class InboxModel(
    OrganizationStore organizations, ConversationQueries conversations, ConversationService service, InboxQueries inbox, LiveSignals signals, TimeProvider time)
    : PageModel
{
    public const int ListSize = 100;
    public const int ThreadWindow = 300;

    public LineChoice Lines { get; private set; } = new(null, [], false);

    public ConversationListView? List { get; private set; }

    public ThreadView? Thread { get; private set; }

    public string? LiveSource { get; private set; }

    public Feedback? Result { get; private set; }

    public Dictionary<string, string> Errors { get; } = new(StringComparer.Ordinal);

    public string DraftTo { get; private set; } = string.Empty;

    public string DraftBody { get; private set; } = string.Empty;

    /// <summary>
    /// A key of its own for each form shown: sent twice (a double click, a browser resending the form), the message is
    /// stored and sent once.
    /// </summary>
    public Guid SendKey { get; } = Guid.NewGuid();

    public Channel DraftChannel { get; private set; } = Channel.Sms;

    public bool NewConversationOpen => Thread is null || Errors.ContainsKey("to");

    public async Task<IActionResult> OnGetAsync(long? line, string? contact, string? channel, long? before, CancellationToken ct)
    {
        if (!await LoadAsync(line, contact, channel, before, ct))
        {
            return Forbid();
        }

        Result = Feedback.Take(TempData);
        return Page();
    }

    public async Task<IActionResult> OnGetListAsync(long? line, string? contact, string? channel, long? before, CancellationToken ct) =>
        await LoadAsync(line, contact, channel, before, ct) && List is not null ? Partial("_ConversationList", List) : Forbid();

    public async Task<IActionResult> OnGetThreadAsync(long? line, string? contact, string? channel, CancellationToken ct) =>
        await LoadAsync(line, contact, channel, null, ct) && Thread is not null ? Partial("_Thread", Thread) : Forbid();

    public async Task<IActionResult> OnPostSendAsync(long? line, string? to, string? channel, string? body, Guid? sendKey, CancellationToken ct)
    {
        var principal = User.Principal();
        var choice = await LineAccess.ResolveAsync(organizations, principal, line, ct);
        if (choice.Forbidden || choice.Line is null)
        {
            return Forbid();
        }

        DraftTo = to ?? string.Empty;
        DraftBody = body ?? string.Empty;
        if (!VocabularyNames.TryParseChannel(channel, out var parsedChannel))
        {
            Errors["channel"] = "Choose SMS or WhatsApp.";
        }

        DraftChannel = parsedChannel;
        if (!PhoneNumbers.TryNormalize(to, out var contact, out var numberError))
        {
            Errors["to"] = PhoneNumbers.Describe(numberError, to);
        }

        if (MessageLimits.Check(body, parsedChannel) is { } bodyError)
        {
            Errors["body"] = bodyError;
        }

        if (Errors.Count > 0)
        {
            await LoadAsync(choice.Line.Id, Errors.ContainsKey("to") ? null : contact, channel, null, ct);
            return Page();
        }

        var actor = principal.IsAdmin ? "admin" : "line";
        EventOutcome outcome;
        try
        {
            outcome = await service.LineSendAsync(choice.Line, contact, parsedChannel, body!, actor, sendKey is { } key ? $"inbox-{key}" : null, ct);
        }
        catch (IdempotencyKeyReusedException)
        {
            // A form sent before, then edited (the browser's back button): a new message.
            outcome = await service.LineSendAsync(choice.Line, contact, parsedChannel, body!, actor, cancellationToken: ct);
        }

        Feedback.Put(TempData, SendOutcomes.Explain(outcome));
        return Redirect(InboxUrls.Page(choice.Line.Id, contact, parsedChannel));
    }

    private async Task<bool> LoadAsync(long? line, string? contact, string? channel, long? before, CancellationToken ct)
    {
        Lines = await LineAccess.ResolveAsync(organizations, User.Principal(), line, ct);
        if (Lines.Forbidden)
        {
            return false;
        }

        if (Lines.Line is not { } current)
        {
            return true;
        }

        VocabularyNames.TryParseChannel(channel, out var selectedChannel);
        var selected = PhoneNumbers.TryNormalize(contact, out var number, out _) ? number : null;

        // The fingerprint is read before the data, so a change that lands in between is still reported.
        var since = await signals.LineAsync(current.Id, selected, selectedChannel, ct);
        LiveSource = InboxUrls.Events(current.Id, selected, selectedChannel, since);

        var items = await inbox.ConversationsAsync(current.Id, before, ListSize, ct);
        List = new ConversationListView(current, items, selected, selectedChannel, items.Count == ListSize ? items[^1].LastSeq : null);
        if (selected is not null)
        {
            Thread = await ThreadAsync(current, selected, selectedChannel, ct);
            DraftChannel = selectedChannel;
        }

        return true;
    }

    private async Task<ThreadView> ThreadAsync(Line line, string contact, Channel channel, CancellationToken ct)
    {
        var row = await conversations.FindAsync(line.Id, contact, channel, ct);
        if (row is null)
        {
            return new ThreadView(line, contact, channel, ConsentState.None, null, null, null, [], false, 0, time.GetUtcNow());
        }

        var start = await inbox.NewestWindowStartAsync(row.Id, ThreadWindow, ct);
        var items = await conversations.TimelineAsync(row.Id, start, ThreadWindow, ct);
        var held = await inbox.HeldCountAsync(row.Id, ct);
        return new ThreadView(line, contact, channel, row.State.State, row.State.Since, row.State.Request?.InitiatedBy, row.State.LastInboundAt,
            items, start > 0, held, time.GetUtcNow());
    }
}
