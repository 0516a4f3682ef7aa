namespace Optline.Channels.Twilio;

/// <summary>
/// Points the Twilio SDK at <see cref="TwilioOptions.ApiBaseUrl"/>: the SDK always builds
/// https://api.twilio.com/… (or api.{edge}.{region}.twilio.com/… when an edge or region is set)
/// and has no base-URL option. Scheme, host and port are replaced; the path is kept,
/// after any path the base URL has.
/// </summary>
public sealed class TwilioApiBaseUrlHandler : DelegatingHandler
{
    private readonly Uri _apiBaseUrl;

    public TwilioApiBaseUrlHandler(Uri apiBaseUrl)
    {
        if (!apiBaseUrl.IsAbsoluteUri)
            throw new ArgumentException($"The Twilio API base URL must be absolute, got '{apiBaseUrl}'.", nameof(apiBaseUrl));
        _apiBaseUrl = apiBaseUrl;
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri is { } original && IsTwilioHost(original.Host))
            request.RequestUri = Rewrite(original);
        return base.SendAsync(request, cancellationToken);
    }

    public static bool IsTwilioHost(string host) =>
        host.Equals("twilio.com", StringComparison.OrdinalIgnoreCase)
        || host.EndsWith(".twilio.com", StringComparison.OrdinalIgnoreCase);

    private Uri Rewrite(Uri original) => new UriBuilder(original)
    {
        Scheme = _apiBaseUrl.Scheme,
        Host = _apiBaseUrl.Host,
        Port = _apiBaseUrl.Port,
        Path = _apiBaseUrl.AbsolutePath.TrimEnd('/') + original.AbsolutePath,
    }.Uri;
}
