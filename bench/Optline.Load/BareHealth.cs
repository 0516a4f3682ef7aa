using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Optline.Server.Hosting;

namespace Optline.Load;

/// <summary>
/// The baseline for the start-up figure: this same executable as a bare Kestrel app with only <c>GET /health</c>,
/// started as a child process exactly like the server (<c>dotnet Optline.Load.dll --bare-health</c>, ASPNETCORE_URLS).
/// </summary>
public static class BareHealth
{
    public const string Flag = "--bare-health";

    public static async Task RunAsync()
    {
        var builder = WebApplication.CreateSlimBuilder([OptlineApp.NoConfigurationWatch]);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/health", () => Results.Ok(new { status = "ok" }));
        await app.RunAsync();
    }
}
