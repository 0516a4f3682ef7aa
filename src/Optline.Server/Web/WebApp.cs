using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc.ApplicationParts;
using Optline.Server.Web.Assets;
using Optline.Server.Web.Auth;
using Optline.Server.Web.Inbox;
using Optline.Server.Web.Live;
using Optline.Server.Web.Portal;
using Optline.Server.Web.Simulator;

namespace Optline.Server.Web;

/// <summary>
/// The browser side of Optline: server-rendered Razor Pages under <c>Web/</c> (sign-in, portal, inbox, simulator),
/// a session cookie made from an API key, one stylesheet, a little JavaScript and server-sent events for live updates.
/// </summary>
public static class WebApp
{
    public static IServiceCollection AddOptlineWeb(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddRazorPages(options =>
        {
            options.RootDirectory = "/Web";
            options.Conventions.AuthorizeFolder("/Portal", WebSession.AdminPolicy);
            options.Conventions.AuthorizeFolder("/Inbox");
            options.Conventions.ConfigureFilter(new SecurityHeaders());
        }).ConfigureApplicationPartManager(parts =>
        {
            // The pages live in this assembly, which is not the entry assembly when a test host or a CLI verb starts the app.
            var assembly = typeof(WebApp).Assembly;
            if (!parts.ApplicationParts.OfType<AssemblyPart>().Any(p => p.Assembly == assembly))
            {
                foreach (var part in ApplicationPartFactory.GetApplicationPartFactory(assembly).GetApplicationParts(assembly))
                {
                    parts.ApplicationParts.Add(part);
                }
            }
        });
        services.AddAntiforgery(options =>
        {
            options.Cookie.Name = "optline.antiforgery";
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        services.Configure<Microsoft.AspNetCore.Mvc.CookieTempDataProviderOptions>(options =>
        {
            options.Cookie.Name = "optline.notice";
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });

        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(WebSession.Configure);
        services.AddAuthorizationBuilder().AddPolicy(WebSession.AdminPolicy, policy => policy.RequireAuthenticatedUser().RequireAssertion(c => c.User.IsAdmin()));

        // Several nodes behind one address must read each other's cookies: share the key ring through a folder they all see.
        if (configuration["Optline:Web:DataProtectionKeysDirectory"] is { Length: > 0 } keys)
        {
            services.AddDataProtection().SetApplicationName("Optline").PersistKeysToFileSystem(new DirectoryInfo(keys));
        }

        services.AddSingleton<SessionKeys>();
        services.AddSingleton<InboxQueries>();
        services.AddSingleton<LiveSignals>();
        services.AddSingleton<PhoneQueries>();
        services.AddSingleton<AuditBrowser>();
        services.AddSingleton<OutboxSummaryQuery>();
        return services;
    }

    public static WebApplication UseOptlineWeb(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    public static IEndpointRouteBuilder MapOptlineWeb(this IEndpointRouteBuilder app)
    {
        app.MapRazorPages();
        app.MapAssets();
        app.MapInboxEvents();
        app.MapSimulatorEvents();
        return app;
    }
}
