using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Optline.Server.Api;

namespace Optline.Server.Hosting;

/// <summary>
/// <c>Optline__RateLimit__PermitsPerSecond</c> and <c>__Burst</c>: how fast one API key may call <c>/api/v1</c>.
/// Generous by default; a key that goes faster gets 429 with <c>Retry-After</c>.
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "Optline:RateLimit";

    /// <summary>Requests per second one key may keep up.</summary>
    public int PermitsPerSecond { get; set; } = 1000;

    /// <summary>Requests one key may make at once after a quiet spell.</summary>
    public int Burst { get; set; } = 2000;

    public string? Validate() =>
        PermitsPerSecond < 1 || Burst < 1 ? "Optline__RateLimit__PermitsPerSecond and __Burst must be at least 1." : null;
}

/// <summary>
/// Per-key rate limiting of the API: a token bucket per API key (partitioned by the SHA-256 of the presented key, so
/// one key's flood never slows another key, and the key itself is not kept). Webhooks, pages and <c>/health</c> are not limited.
/// </summary>
public static class RateLimiting
{
    public const string ApiPolicy = "api-key";

    public static IServiceCollection AddOptlineRateLimiting(this IServiceCollection services, RateLimitOptions options)
    {
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = async (context, ct) =>
            {
                var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
                var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
                context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await Problems.Of(429, "rate-limited", "Too many requests.",
                    $"This API key made more than {options.PermitsPerSecond} requests per second (bursts of {options.Burst}). Retry after {seconds} s.")
                    .ExecuteAsync(context.HttpContext);
            };
            limiter.AddPolicy(ApiPolicy, http => RateLimitPartition.GetTokenBucketLimiter(PartitionKey(http), _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = options.Burst,
                TokensPerPeriod = options.PermitsPerSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
        });
        return services;
    }

    /// <summary>The bucket a request draws from: its bearer key's hash; requests with no key share one bucket.</summary>
    private static string PartitionKey(HttpContext http)
    {
        var header = http.Request.Headers.Authorization.ToString();
        return header.Length == 0
            ? "anonymous"
            : Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(header.Trim())));
    }
}
