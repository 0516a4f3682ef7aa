using Optline.Core.Templates;

namespace Optline.Core.Consent;

/// <summary>What the shell must carry out, in order, in the same transaction as the event.</summary>
public abstract record Effect;

/// <summary>Send an automated text to the contact. <paramref name="AsWhatsAppTemplate"/>: outside the 24-hour window, as the approved template.</summary>
public sealed record SendToContact(RenderedText Text, bool AsWhatsAppTemplate = false) : Effect;

/// <summary>Show an automated notice to the line user; never sent to the contact.</summary>
public sealed record NoticeToLine(RenderedText Text) : Effect;

/// <summary>Queue the line's message for sending to the contact.</summary>
public sealed record QueueForContact(Guid MessageId) : Effect;

/// <summary>Show the contact's message to the line user.</summary>
public sealed record DeliverToLine(Guid MessageId) : Effect;

/// <summary>Keep the message back until consent.</summary>
public sealed record Hold(Guid MessageId, Direction Direction) : Effect;

/// <summary>A held message goes on: outbound is queued for the contact, inbound shown to the line. Emitted oldest first.</summary>
public sealed record Release(Guid MessageId, Direction Direction) : Effect;

/// <summary>A held message will never go on.</summary>
public sealed record Cancel(Guid MessageId, Direction Direction) : Effect;

/// <summary>A held message outlived its time to live.</summary>
public sealed record Expire(Guid MessageId, Direction Direction) : Effect;

/// <summary>Every queued and not yet sent outbound message of the conversation is cancelled.</summary>
public sealed record CancelQueued : Effect;

/// <summary>The line's message is refused.</summary>
public sealed record Block(Guid MessageId, BlockReason Reason) : Effect;

/// <summary>A line user should look at this message: it contains an opt-out word but was not taken as a request.</summary>
public sealed record FlagForReview(Guid MessageId, string Rule) : Effect;

/// <summary>The consent changed; <paramref name="Cause"/> names the event and <paramref name="Rule"/> the rule that decided it.</summary>
public sealed record ConsentChanged(ConsentState From, ConsentState To, string Cause, string Rule) : Effect;

/// <summary>The opt-out reaches further than this conversation: the shell applies <see cref="OptedOutElsewhere"/> across the scope.</summary>
public sealed record PropagateOptOut(OptOutScope Scope) : Effect;

/// <summary>A fact for the attestation record that no other effect carries (a repeated STOP, a suppressed request).</summary>
public sealed record AuditNote(string Event, string Detail) : Effect;
