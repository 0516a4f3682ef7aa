using Optline.Server.Api;

namespace Optline.Server.Messages;

/// <summary>
/// The optional <c>Idempotency-Key</c> header of <c>POST /api/v1/messages</c>: a client that did not get an answer
/// sends the same request with the same key again, and the message is stored and sent once.
/// </summary>
public static class IdempotencyKey
{
    public const string Header = "Idempotency-Key";

    /// <summary>Set on the answer to a request sent again: it is the first request's answer, and nothing changed.</summary>
    public const string ReplayedHeader = "Idempotent-Replayed";

    public const int MaxLength = 255;

    /// <summary>The problem with the request's key, if it has one that is not valid (the handler binds it as a string).</summary>
    public static IResult? Check(HttpRequest request)
    {
        var values = request.Headers[Header];
        if (values.Count == 0)
        {
            return null;
        }

        var key = values.Count == 1 ? values[0] : null;
        if (string.IsNullOrEmpty(key) || key.Length > MaxLength || key.Any(c => c is < '!' or > '~'))
        {
            return Problems.Of(400, "invalid-idempotency-key", "The Idempotency-Key header is not valid.",
                $"Send one key of 1 to {MaxLength} visible ASCII characters (a UUID is a good choice), or none.",
                new Dictionary<string, object?> { ["field"] = Header });
        }

        return null;
    }
}
