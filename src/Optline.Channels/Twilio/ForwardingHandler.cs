namespace Optline.Channels.Twilio;

/// <summary>
/// The end of the SDK's handler chain: hands each request to the injected <see cref="HttpClient"/>
/// (so its pipeline, timeout and pooling apply) with the cancellation of the current send.
/// </summary>
internal sealed class ForwardingHandler(HttpClient transport) : HttpMessageHandler
{
    // The Twilio SDK's async methods take no CancellationToken; the sender puts the caller's token here.
    private static readonly AsyncLocal<CancellationToken> CurrentSendCancellation = new();

    public static void UseForCurrentSend(CancellationToken cancellationToken) =>
        CurrentSendCancellation.Value = cancellationToken;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, CurrentSendCancellation.Value);
        using var copy = CopyOf(request);
        return await transport.SendAsync(copy, linked.Token);
    }

    /// <summary>An HttpClient refuses a request message another client has already sent.</summary>
    private static HttpRequestMessage CopyOf(HttpRequestMessage request)
    {
        var copy = new HttpRequestMessage(request.Method, request.RequestUri)
        {
            Content = request.Content,
            Version = request.Version,
            VersionPolicy = request.VersionPolicy,
        };
        foreach (var (name, values) in request.Headers)
            copy.Headers.TryAddWithoutValidation(name, values);
        return copy;
    }

    // The injected client belongs to whoever injected it.
    protected override void Dispose(bool disposing)
    {
    }
}
