using Microsoft.AspNetCore.Diagnostics;
using Optline.Server.Api;
using Optline.Storage.Database;

namespace Optline.Server.Hosting;

/// <summary>Turns what escapes an endpoint into a problem: 503 when the database is down (nothing was acknowledged), 413 for oversized bodies.</summary>
public sealed partial class ErrorHandling(ILogger<ErrorHandling> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        var result = exception switch
        {
            StorageUnavailableException => Problems.Unavailable(),
            BadHttpRequestException { StatusCode: 413 } => Problems.Of(413, "body-too-large", "The request body is too large.", "Bodies are limited to 64 KB."),
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

    [LoggerMessage(EventId = 2001, Level = LogLevel.Error, Message = "Unhandled error on {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string path);
}
