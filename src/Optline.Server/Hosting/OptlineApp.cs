using Optline.Server.Api;
using Optline.Server.Audit;
using Optline.Server.Consents;
using Optline.Server.Conversations;
using Optline.Server.Lines;
using Optline.Server.Messages;
using Optline.Server.Reviews;
using Optline.Server.Settings;
using Optline.Server.Simulator;
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

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();

        app.MapOpenApi();
        app.MapScalarApiReference("/api/reference");
        app.MapGet("/health", () => Results.Ok(new { status = "ok" })).WithTags("Health");
        app.MapGet("/", () => Results.Content(HomePage.Html, "text/html")).ExcludeFromDescription();

        var api = app.MapGroup("/api/v1").RequireApiKey();
        api.MapLines().MapSettings().MapMessages().MapConversations().MapConsents().MapReviews().MapAudit();

        app.MapTwilioWebhooks().MapWhatsAppWebhooks().MapSimulator();
        return app;
    }
}

internal static class HomePage
{
    public const string Html = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Optline</title></head>
        <body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem">
        <h1>Optline</h1>
        <p>Consent-gated business messaging over SMS and WhatsApp.</p>
        <ul>
          <li><a href="/api/reference">API reference</a> (<a href="/openapi/v1.json">OpenAPI document</a>)</li>
          <li><a href="/health">Health</a></li>
        </ul>
        </body></html>
        """;
}
