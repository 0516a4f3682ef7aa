using System.CommandLine;
using Optline.Server.Hosting;

namespace Optline.Server.Cli;

/// <summary>
/// One executable: <c>serve</c> (the default) runs the server; the other verbs let an operator manage the
/// database without editing it by hand. Every verb reads the same <c>Optline__*</c> configuration.
/// </summary>
public static class OptlineCommandLine
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || args[0].StartsWith('-'))
        {
            return await ServeAsync(args);
        }

        var root = new RootCommand("Optline: consent-gated business messaging over SMS and WhatsApp.");
        var serve = new Command("serve", "Run the server (the default).");
        serve.SetAction((_, _) => ServeAsync([]));
        root.Subcommands.Add(serve);

        var migrate = new Command("migrate", "Apply database migrations and exit.");
        migrate.SetAction(async (_, ct) =>
        {
            await using var app = OptlineApp.Build([]);
            var applied = await app.Services.GetRequiredService<Storage.Database.OptlineDatabase>().MigrateAsync(ct);
            Console.WriteLine(applied.Count == 0 ? "The database is up to date." : $"Applied: {string.Join(", ", applied)}");
            return 0;
        });
        root.Subcommands.Add(migrate);

        foreach (var command in OrganizationCommands.All().Concat(AuditCommands.All()).Concat(ConsentCommands.All()))
        {
            root.Subcommands.Add(command);
        }

        return await root.Parse(args).InvokeAsync();
    }

    /// <summary>Runs a verb against the configured database (migrated first).</summary>
    public static async Task<int> WithServicesAsync(Func<IServiceProvider, Task<int>> action, CancellationToken ct)
    {
        await using var app = OptlineApp.Build([]);
        await app.Services.GetRequiredService<Storage.Database.OptlineDatabase>().MigrateAsync(ct);
        return await action(app.Services);
    }

    private static async Task<int> ServeAsync(string[] args)
    {
        await using var app = OptlineApp.Build(args);
        if (await app.Services.PrepareDatabaseAsync() is { } generatedKey)
        {
            // Shown once, on the console only, so the first admin can sign in; it is stored hashed.
            Console.WriteLine($"Created the first organization. Its admin API key (shown once): {generatedKey}");
        }

        await app.RunAsync();
        return 0;
    }
}
