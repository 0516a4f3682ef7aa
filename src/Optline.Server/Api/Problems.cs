using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Optline.Server.Api;

/// <summary>Every error is an RFC 9457 problem with a stable <c>type</c> a client can switch on.</summary>
public static class Problems
{
    public const string TypePrefix = "urn:optline:problem:";

    public static ProblemHttpResult Of(int status, string slug, string title, string detail, IDictionary<string, object?>? extensions = null)
    {
        var problem = new ProblemDetails
        {
            Status = status,
            Type = TypePrefix + slug,
            Title = title,
            Detail = detail,
        };
        if (extensions is not null)
        {
            foreach (var (key, value) in extensions)
            {
                problem.Extensions[key] = value;
            }
        }

        return TypedResults.Problem(problem);
    }

    public static ProblemHttpResult Validation(string detail, string? field = null) =>
        Of(400, "validation", "The request is not valid.", detail, field is null ? null : new Dictionary<string, object?> { ["field"] = field });

    public static ProblemHttpResult InvalidNumber(string detail, string field) =>
        Of(400, "invalid-phone-number", "The phone number is not valid.", detail, new Dictionary<string, object?> { ["field"] = field });

    public static ProblemHttpResult Unauthorized() =>
        Of(401, "unauthorized", "An API key is required.", "Send 'Authorization: Bearer <api key>' with a valid key.");

    public static ProblemHttpResult Forbidden(string detail) =>
        Of(403, "forbidden", "This key may not do that.", detail);

    public static ProblemHttpResult NotFound(string what, string detail) =>
        Of(404, what + "-not-found", "Not found.", detail);

    public static ProblemHttpResult Conflict(string slug, string detail) =>
        Of(409, slug, "The request conflicts with the current state.", detail);

    public static ProblemHttpResult Unavailable() =>
        Of(503, "storage-unavailable", "The database is unavailable.", "Nothing was stored. Retry later.");

    /// <summary>The database went away in the middle of the commit and could not say afterwards whether it made it.</summary>
    public static ProblemHttpResult CommitOutcomeUnknown() =>
        Of(503, "commit-outcome-unknown", "The database stopped answering while it stored the request.",
            "It may have been stored. A webhook may be delivered again safely (its message id is remembered); look for a sent message before sending it again.");
}
