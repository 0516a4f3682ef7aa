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

    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = MaxBodyBytes);
        builder.Services.AddOptline(builder.Configuration);
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ErrorHandling>();
        builder.Services.AddOpenApi();
        builder.Services.AddOptlineWeb(builder.Configuration);

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseOptlineWeb();

        app.MapOpenApi();
        app.MapScalarApiReference("/api/reference");
        app.MapGet("/health", () => Results.Ok(new { status = "ok" })).WithTags("Health");

        var api = app.MapGroup("/api/v1").RequireApiKey();
        api.MapLines().MapSettings().MapMessages().MapConversations().MapConsents().MapReviews().MapAudit();

        app.MapTwilioWebhooks().MapWhatsAppWebhooks().MapSimulator();
        app.MapOptlineWeb();
        return app;
    }
}
