namespace Optline.Core.Consent;

/// <summary>Something that happened to a conversation; the engine decides what follows.</summary>
public abstract record ConsentEvent(DateTimeOffset At);

/// <summary>The line user sent a message to the contact.</summary>
public sealed record LineSent(Guid MessageId, string Body, DateTimeOffset At) : ConsentEvent(At);

/// <summary>
/// The contact sent a message. <paramref name="CarrierOptOut"/> is set when the carrier says the
/// message is an opt-out it has answered itself (Twilio <c>OptOutType=STOP</c>).
/// </summary>
public sealed record ContactSent(Guid MessageId, string Body, DateTimeOffset At, bool CarrierOptOut = false) : ConsentEvent(At);

/// <summary>The carrier reported an opt-out outside an inbound message (Twilio error 21610, WhatsApp stop preference).</summary>
public sealed record CarrierReportedOptOut(string Reason, DateTimeOffset At) : ConsentEvent(At);

/// <summary>An admin imported consent collected elsewhere (opt-in or opt-out) with its evidence.</summary>
public sealed record ConsentImported(ConsentState State, ConsentEvidence Evidence, DateTimeOffset At) : ConsentEvent(At);

/// <summary>Staff revoked consent.</summary>
public sealed record ConsentRevoked(string Reason, DateTimeOffset At) : ConsentEvent(At);

/// <summary>The contact opted out on another conversation whose opt-out reaches this one (PRODUCT.md §5).</summary>
public sealed record OptedOutElsewhere(string Where, DateTimeOffset At) : ConsentEvent(At);

/// <summary>A line user judged a flagged inbound message to be an opt-out.</summary>
public sealed record ReviewedAsOptOut(Guid MessageId, DateTimeOffset At) : ConsentEvent(At);

/// <summary>The organization turned SMS opt-in off: messages held on SMS are delivered, consent is unchanged.</summary>
public sealed record OptInRequirementLifted(DateTimeOffset At) : ConsentEvent(At);

/// <summary>Time passed: held messages older than their time to live expire.</summary>
public sealed record TimePassed(DateTimeOffset At) : ConsentEvent(At);

/// <summary>What an admin holds as proof of consent collected outside Optline.</summary>
public sealed record ConsentEvidence(string Method, DateTimeOffset CollectedAt, string? Text, string? Reference);
