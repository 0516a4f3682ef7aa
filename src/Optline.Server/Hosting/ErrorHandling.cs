using Microsoft.AspNetCore.Diagnostics;
using Optline.Server.Api;
using Optline.Storage.Database;

namespace Optline.Server.Hosting;

/// <summary>
/// Turns what escapes an endpoint into a problem: 503 when the database is down (nothing was acknowledged), 413 for oversized
/// bodies, 400 for text the database cannot store.
/// </summary>
public sealed partial class ErrorHandling(ILogger<ErrorHandling> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        var result = exception switch
        {
            StorageUnavailableException => Problems.Unavailable(),
            CommitOutcomeUnknownException => Problems.CommitOutcomeUnknown(),
            Optline.Storage.Conversations.IdempotencyKeyReusedException => Problems.Of(422, "idempotency-key-reused",
                "The Idempotency-Key was first used for a different message.",
                "A key stands for one message: the same line, recipient, channel and text. Use a new key for a new message. Nothing was stored."),
            // A read that lost its connection mid-query (the database went away): nothing was acknowledged; the caller retries.
            System.Data.Common.DbException { IsTransient: true } => Problems.Unavailable(),
            // PostgreSQL text cannot hold the NUL character (SQLSTATE 22021): the event was rolled back, nothing was stored.
            System.Data.Common.DbException { SqlState: "22021" } => Problems.Of(400, "unstorable-text", "The text cannot be stored.",
                "A field contains the NUL character (U+0000), which the database cannot store. Nothing was stored."),
            BadHttpRequestException { StatusCode: 413 } => Problems.Of(413, "body-too-large", "The request body is too large.", "Bodies are limited to 64 KB."),
            BadHttpRequestException { InnerException: System.Text.Json.JsonException json } => Problems.Of(400, "malformed-json", "The body is not valid JSON.", json.Message),
            BadHttpRequestException bad => Problems.Of(bad.StatusCode, "bad-request", "The request could not be read.", bad.Message),
            _ => null,
        };
        if (result is null)
        {
            LogUnhandled(logger, exception, http.Request.Path);
            result = Problems.Of(500, "internal", "Something went wrong.", "The event was not acknowledged; retry it.");
        }

        await result.ExecuteAsync(http);
        return true;
    }

    /// <summary>
    /// Gives the bare status answers ASP.NET Core writes itself (a body over the limit refused by Kestrel before any
    /// endpoint runs, an unknown path, a wrong method) Optline's stable problem types too.
    /// </summary>
    public static void StableType(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (problem.Type?.StartsWith(Problems.TypePrefix, StringComparison.Ordinal) == true)
        {
            return;
        }

        (problem.Type, problem.Title, problem.Detail) = problem.Status switch
        {
            413 => (Problems.TypePrefix + "body-too-large", "The request body is too large.", "Bodies are limited to 64 KB."),
            404 => (Problems.TypePrefix + "not-found", "Not found.", problem.Detail ?? "Nothing is at this address."),
            405 => (Problems.TypePrefix + "method-not-allowed", "Method not allowed.", problem.Detail),
            415 => (Problems.TypePrefix + "unsupported-media-type", "Unsupported media type.", problem.Detail ?? "Send JSON (application/json)."),
            401 => (Problems.TypePrefix + "unauthorized", problem.Title, problem.Detail),
            403 => (Problems.TypePrefix + "forbidden", problem.Title, problem.Detail),
            400 => (Problems.TypePrefix + "bad-request", problem.Title, problem.Detail),
            var status => (Problems.TypePrefix + "http-" + status?.ToString(System.Globalization.CultureInfo.InvariantCulture), problem.Title, problem.Detail),
        };
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Error, Message = "Unhandled error on {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string path);
}
