using Optline.Server.Api;
using Optline.Storage.Database;

namespace Optline.Server.Hosting;

/// <summary>
/// <c>GET /health</c>: 200 while Optline can take events. A node whose database can no longer make them durable (a
/// failed sync of SQLite's log refuses every event until restart) answers 503, so that a load balancer or supervisor
/// takes it out and restarts it instead of sending it traffic it can only refuse.
/// </summary>
internal static class HealthEndpoint
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", (OptlineDatabase database) => Answer(database.Writer.Failure)).WithTags("Health");
        return app;
    }

    private static IResult Answer(Exception? writeFailure) => writeFailure is null
        ? Results.Ok(new { status = "ok" })
        : Problems.Of(503, "storage-failed", "The database can no longer make events durable.",
            "A sync of the database's log failed; every event is refused until Optline restarts.");
}
