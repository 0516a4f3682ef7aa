using Microsoft.Extensions.Configuration.Memory;
using Optline.Server.Api;
using Optline.Server.Audit;
using Optline.Server.Consents;
using Optline.Server.Conversations;
using Optline.Server.Lines;
using Optline.Server.Messages;
using Optline.Server.Reviews;
using Optline.Server.Settings;
using Optline.Server.Simulator;
using Optline.Server.Web;
using Optline.Server.Webhooks.Twilio;
using Optline.Server.Webhooks.WhatsApp;
using Scalar.AspNetCore;

namespace Optline.Server.Hosting;

/// <summary>The web host: a table of contents of Optline's features.</summary>
public static class OptlineApp
{
    public const long MaxBodyBytes = 64 * 1024;

    /// <summary>
    /// Optline reads its configuration files once, at start. Left to its default, the host watches them for changes
    /// with a watcher on the content root and every folder under it, where the SQLite database lives by default
    /// (<c>data/optline.db</c>): each write of the database and its log then woke the watchers, thousands of times a
    /// second under load. First in the arguments, so that an operator's own argument still wins.
    /// </summary>
    public const string NoConfigurationWatch = "--hostBuilder:reloadConfigOnChange=false";

    private static readonly Dictionary<string, string?> LoggingDefaults = new()
    {
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Warning",
    };

    public static WebApplication Build(string[] args) => Build(args, replaceServices: null);

    /// <param name="replaceServices">Tests: replaces services after Optline's own are added (a database whose syncs fail).</param>
    internal static WebApplication Build(string[] args, Action<IServiceCollection>? replaceServices)
    {
        // The slim builder leaves out what Optline does not use (IIS integration, HTTP/3, hosting startup assemblies),
        // which is load time and memory at every start; HTTPS endpoints configured under Kestrel still work.
        var builder = WebApplication.CreateSlimBuilder([NoConfigurationWatch, .. args]);
        builder.WebHost.UseKestrelHttpsConfiguration();
        // Under everything an operator sets (lowest precedence): ASP.NET Core's per-request lines carry the query string,
        // and with it contacts' phone numbers, so they stay below Information unless Logging__LogLevel__* says otherwise.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = LoggingDefaults });
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = MaxBodyBytes);
        builder.Services.AddOptline(builder.Configuration);
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ErrorHandling>();
        builder.Services.AddOpenApi();
        builder.Services.AddOptlineWeb(builder.Configuration);
        builder.Services.LoadKeyRingOnFirstUse();
        replaceServices?.Invoke(builder.Services);

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseOptlineWeb();
        app.UseRateLimiter();

        app.MapHealth();

        var api = app.MapGroup("/api/v1").RequireRateLimiting(RateLimiting.ApiPolicy).RequireApiKey();
        api.MapLines().MapSettings().MapMessages().MapConversations().MapConsents().MapReviews().MapAudit();

        app.MapTwilioWebhooks().MapWhatsAppWebhooks().MapSimulator();
        app.UseLazyEndpoints(lazy =>
        {
            lazy.MapOpenApi();
            lazy.MapScalarApiReference("/api/reference");
            lazy.MapOptlineWeb();
        });
        return app;
    }
}
