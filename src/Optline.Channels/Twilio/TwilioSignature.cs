using Microsoft.AspNetCore.Http;
using Twilio.Security;

namespace Optline.Channels.Twilio;

/// <summary>Checks <c>X-Twilio-Signature</c> on Twilio's form posts, with the SDK's validator.</summary>
public sealed class TwilioSignature
{
    public const string HeaderName = "X-Twilio-Signature";

    private readonly RequestValidator _validator;

    public TwilioSignature(string authToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(authToken);
        _validator = new RequestValidator(authToken);
    }

    /// <param name="url">The full URL Twilio posted to, as Twilio saw it: the public base URL, path and query.</param>
    public bool IsValid(string url, IReadOnlyDictionary<string, string> form, string? signature) =>
        !string.IsNullOrEmpty(signature)
        && _validator.Validate(url, form.ToDictionary(field => field.Key, field => field.Value, StringComparer.Ordinal), signature);

    public bool IsValid(string url, IFormCollection form, string? signature) =>
        IsValid(url, TwilioForm.FirstValues(form), signature);

    /// <summary>The URL Twilio signed: our public base URL (not the address we listen on) plus path and query.</summary>
    public static string SignedUrl(string publicBaseUrl, string pathAndQuery) =>
        publicBaseUrl.TrimEnd('/') + (pathAndQuery.StartsWith('/') ? pathAndQuery : "/" + pathAndQuery);
}
