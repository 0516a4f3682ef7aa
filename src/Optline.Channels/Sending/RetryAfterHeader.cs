using System.Net.Http.Headers;

namespace Optline.Channels.Sending;

internal static class RetryAfterHeader
{
    /// <summary>
    /// The wait a carrier asked for. An HTTP-date is measured against the response's own Date header,
    /// so no local clock is read; without one it is ignored.
    /// </summary>
    public static TimeSpan? From(HttpResponseHeaders? headers)
    {
        var retryAfter = headers?.RetryAfter;
        if (retryAfter is null)
            return null;
        if (retryAfter.Delta is { } delta)
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        if (retryAfter.Date is { } until && headers!.Date is { } sentAt)
            return until > sentAt ? until - sentAt : TimeSpan.Zero;
        return null;
    }
}
