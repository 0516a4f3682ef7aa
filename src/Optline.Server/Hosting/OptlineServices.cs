using Microsoft.Extensions.Options;
using Optline.Channels.Twilio;
using Optline.Channels.WhatsApp;
using Optline.Server.Api;
using Optline.Server.Audit;
using Optline.Storage.Audit;
using Optline.Server.Outbox;
using Optline.Server.Reviews;
using Optline.Server.Settings;
using Optline.Server.Webhooks;
using Optline.Storage.Conversations;
using Optline.Storage.Database;
using Optline.Storage.Organizations;
using Optline.Storage.Outbox;

namespace Optline.Server.Hosting;

/// <summary>Everything Optline registers, bound from <c>Optline__Section__Key</c> configuration and validated on start.</summary>
public static class OptlineServices
{
    public static IServiceCollection AddOptline(this IServiceCollection services, IConfiguration configuration)
    {
        var database = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        var outbox = configuration.GetSection(OutboxOptions.Section).Get<OutboxOptions>() ?? new OutboxOptions();
        var providers = new ChannelProviderOptions
        {
            Sms = configuration["Optline:Sms:Provider"] ?? "simulator",
            WhatsApp = configuration["Optline:WhatsApp:Provider"] ?? "simulator",
        };
        var rateLimit = configuration.GetSection(RateLimitOptions.Section).Get<RateLimitOptions>() ?? new RateLimitOptions();
        var problems = new[] { database.Validate(), outbox.Validate(), providers.Validate(), rateLimit.Validate() }.Where(p => p is not null).ToList();
        if (problems.Count > 0)
        {
            throw new OptionsValidationException("Optline", typeof(DatabaseOptions), problems!);
        }

        // A body that cannot be read (malformed JSON, over 64 KB) reaches ErrorHandling, which answers with Optline's problem types.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.Configure<ProblemDetailsOptions>(o => o.CustomizeProblemDetails = ErrorHandling.StableType);
        services.AddSingleton(TimeProvider.System);
        services.AddOptlineRateLimiting(rateLimit);
        services.AddSingleton(database);
        services.AddSingleton(outbox);
        services.AddSingleton(Options.Create(outbox));
        services.AddSingleton(providers);
        services.Configure<TwilioOptions>(configuration.GetSection(TwilioOptions.SectionName));
        services.Configure<WhatsAppOptions>(configuration.GetSection(WhatsAppOptions.SectionName));
        services.Configure<BootstrapOptions>(configuration.GetSection("Optline:Bootstrap"));

        services.AddSingleton<OptlineDatabase>();
        services.AddSingleton<OrganizationStore>();
        services.AddSingleton<ConversationService>();
        services.AddSingleton<ConversationQueries>();
        services.AddSingleton<OutboxStore>();
        services.AddSingleton<Addressing>();
        services.AddSingleton<SendsInFlight>();
        services.AddSingleton<InboundIntake>();
        services.AddSingleton<DeliveryReports>();
        services.AddSingleton<SettingsChanges>();
        services.AddSingleton<ChannelRouter>();
        services.AddSingleton<AuditQueries>();
        services.AddSingleton<AuditRetention>();
        services.AddSingleton<RegistryQueries>();
        services.AddSingleton<ProofBuilder>();
        services.AddSingleton<ReviewDecisions>();

        services.AddHttpClient(nameof(TwilioSender), c => c.Timeout = TimeSpan.FromSeconds(15));
        services.AddHttpClient(nameof(WhatsAppSender), c => c.Timeout = TimeSpan.FromSeconds(15));
        services.AddSingleton(sp => new TwilioSender(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(TwilioSender)), sp.GetRequiredService<IOptions<TwilioOptions>>().Value));
        services.AddSingleton(sp => new TwilioSignature(sp.GetRequiredService<IOptions<TwilioOptions>>().Value.AuthToken));
        services.AddSingleton(sp => new WhatsAppSender(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(WhatsAppSender)), sp.GetRequiredService<IOptions<WhatsAppOptions>>().Value));
        services.AddHostedService<OutboxDispatcher>();
        services.AddHostedService<RetentionService>();
        return services;
    }

    /// <summary>
    /// Applies migrations and, on an empty database, creates the first organization with the configured admin key,
    /// or with a new one when none is configured. Returns a generated key (to show once), else null.
    /// </summary>
    public static async Task<string?> PrepareDatabaseAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        var database = services.GetRequiredService<OptlineDatabase>();
        await database.MigrateAsync(ct);
        var bootstrap = services.GetRequiredService<IOptions<BootstrapOptions>>().Value;
        var organizations = services.GetRequiredService<OrganizationStore>();
        if (!await organizations.IsEmptyAsync(ct))
        {
            return null;
        }

        var generated = string.IsNullOrWhiteSpace(bootstrap.AdminApiKey) ? ApiKeys.NewKey("admin") : null;
        await organizations.CreateOrganizationAsync(bootstrap.OrganizationName, generated ?? bootstrap.AdminApiKey, ct);
        return generated;
    }
}
