namespace Optline.Channels.Sending;

internal static class HttpFailure
{
    /// <summary>Network errors and timeouts, as opposed to the caller giving up.</summary>
    public static bool IsTransport(Exception exception, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested
        && exception is HttpRequestException or TaskCanceledException or TimeoutException or IOException;

    /// <summary>The connection failed under the request (refused, reset, closed by the other side), as opposed to a timeout.</summary>
    public static bool IsConnection(Exception exception) =>
        exception is HttpRequestException || exception.InnerException is HttpRequestException or IOException;

    /// <summary>
    /// Runs <paramref name="send"/>, and once more at once when its connection failed (a pooled connection the other side
    /// had closed, a reset): waiting for the outbox's backoff would let the conversation's next message overtake this one.
    /// Timeouts are not tried again at once: the message may have arrived.
    /// </summary>
    public static async Task<SendResult> OnceMoreIfConnectionFailedAsync(Func<Task<(SendResult Result, bool ConnectionFailed)>> send)
    {
        var (result, connectionFailed) = await send();
        return connectionFailed ? (await send()).Result : result;
    }

    public static bool IsRetryableStatus(int status) => status == 429 || status >= 500;
}
