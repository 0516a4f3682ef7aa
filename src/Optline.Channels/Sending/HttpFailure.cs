namespace Optline.Channels.Sending;

internal static class HttpFailure
{
    /// <summary>Network errors and timeouts, as opposed to the caller giving up.</summary>
    public static bool IsTransport(Exception exception, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested
        && exception is HttpRequestException or TaskCanceledException or TimeoutException or IOException;

    public static bool IsRetryableStatus(int status) => status == 429 || status >= 500;
}
