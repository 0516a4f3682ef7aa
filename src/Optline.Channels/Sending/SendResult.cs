namespace Optline.Channels.Sending;

public enum SendOutcome
{
    Sent,
    TransientFailure,
    PermanentFailure,
    RecipientOptedOut,
}

public sealed record SendResult(
    SendOutcome Outcome,
    string? ProviderMessageId = null,
    string? Error = null,
    string? ProviderErrorCode = null,
    TimeSpan? RetryAfter = null)
{
    public static SendResult Sent(string? providerMessageId) => new(SendOutcome.Sent, providerMessageId);

    public static SendResult Transient(string error, string? providerErrorCode = null, TimeSpan? retryAfter = null) =>
        new(SendOutcome.TransientFailure, Error: error, ProviderErrorCode: providerErrorCode, RetryAfter: retryAfter);

    public static SendResult Permanent(string error, string? providerErrorCode = null) =>
        new(SendOutcome.PermanentFailure, Error: error, ProviderErrorCode: providerErrorCode);

    public static SendResult OptedOut(string error, string? providerErrorCode = null) =>
        new(SendOutcome.RecipientOptedOut, Error: error, ProviderErrorCode: providerErrorCode);
}
