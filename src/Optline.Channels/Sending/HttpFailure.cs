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

    public static bool IsRetryableStatus(int status) => status == 429 || status >= 500;
}
