using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Optline.Server.Hosting;

namespace Optline.Load;

/// <summary>
/// The baselines of the figures taken from a child process: this same executable as a bare Kestrel app, started as a
/// child exactly like the server (<c>dotnet Optline.Load.dll --bare-health</c>, ASPNETCORE_URLS). With only
/// <c>GET /health</c> it is the start-up figure's baseline; with <c>--bare-form</c> it also serves B0's webhook
/// (<see cref="BareEndpoint.MapFormPost"/>), the baseline of the server's own-process saturation (W6).
/// </summary>
public static class BareHealth
{
    public const string Flag = "--bare-health";

    public const string FormFlag = "--bare-form";

    public static async Task RunAsync(bool withForm)
    {
        var builder = WebApplication.CreateSlimBuilder([OptlineApp.NoConfigurationWatch]);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/health", () => Results.Ok(new { status = "ok" }));
        if (withForm)
        {
            BareEndpoint.MapFormPost(app);
        }

        await app.RunAsync();
    }
}
