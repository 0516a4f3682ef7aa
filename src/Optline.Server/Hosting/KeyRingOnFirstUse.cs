namespace Optline.Server.Hosting;

/// <summary>
/// ASP.NET Core loads the data-protection key ring (XML files, and a new key on a first run) in a hosted service at
/// start. Only the web pages' cookies need it, so it is loaded when a page first signs a cookie or reads one instead.
/// </summary>
public static class KeyRingOnFirstUse
{
    private const string PreloadService = "Microsoft.AspNetCore.DataProtection.Internal.DataProtectionHostedService";

    public static IServiceCollection LoadKeyRingOnFirstUse(this IServiceCollection services)
    {
        var preload = services.Where(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType?.FullName == PreloadService).ToList();
        foreach (var descriptor in preload)
        {
            services.Remove(descriptor);
        }

        return services;
    }
}
