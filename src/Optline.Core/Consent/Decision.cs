using Optline.Core.Keywords;

namespace Optline.Core.Consent;

/// <summary>
/// The engine's answer: the conversation after the event, the effects to carry out, what became of the
/// triggering message, and, when the event was refused (an import contradicted by a later opt-out), why.
/// </summary>
public sealed record Decision(Conversation Conversation, IReadOnlyList<Effect> Effects, MessageOutcome? Outcome, Classification? Classification, string? Refusal = null);

/// <summary>The status of the message that triggered the decision, with the reason when it was blocked.</summary>
public sealed record MessageOutcome(MessageStatus Status, BlockReason? Reason = null);
