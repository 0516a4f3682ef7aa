using System.CommandLine;
using Optline.Core.Phones;
using Optline.Server.Hosting;
using Optline.Storage.Organizations;

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

        var orgName = new Option<string>("--name") { Description = "The organization's name.", Required = true };
        var createOrg = new Command("create-organization", "Create an organization and print its first admin key.") { orgName };
        createOrg.SetAction(async (parse, ct) => await WithStoreAsync(async store =>
        {
            var key = ApiKeys.NewKey("admin");
            var id = await store.CreateOrganizationAsync(parse.GetValue(orgName)!, key, ct);
            Console.WriteLine($"organization {id}\nadmin key {key}  (shown once)");
            return 0;
        }, ct));
        root.Subcommands.Add(createOrg);

        var orgId = new Option<long>("--organization") { Description = "The organization id.", Required = true };
        var number = new Option<string>("--number") { Description = "The line's phone number.", Required = true };
        var displayName = new Option<string>("--display-name") { Description = "The name contacts see in opt-in requests.", Required = true };
        var createLine = new Command("create-line", "Create a line and print its API key.") { orgId, number, displayName };
        createLine.SetAction(async (parse, ct) => await WithStoreAsync(async store =>
        {
            if (!PhoneNumbers.TryNormalize(parse.GetValue(number), out var e164, out var error))
            {
                await Console.Error.WriteLineAsync($"Not a valid number ({error}).");
                return 2;
            }

            var created = await store.CreateLineAsync(parse.GetValue(orgId), e164, parse.GetValue(displayName)!, ct);
            if (created is not { } line)
            {
                await Console.Error.WriteLineAsync($"{e164} is already a line.");
                return 1;
            }

            Console.WriteLine($"line {line.Line.Id} {line.Line.Number}\nline key {line.ApiKey}  (shown once)");
            return 0;
        }, ct));
        root.Subcommands.Add(createLine);

        var lineId = new Option<long?>("--line") { Description = "A line id: the key acts for that line only. Without it, an admin key." };
        var issueKey = new Command("issue-key", "Issue a new API key.") { orgId, lineId };
        issueKey.SetAction(async (parse, ct) => await WithStoreAsync(async store =>
        {
            Console.WriteLine(await store.IssueKeyAsync(parse.GetValue(orgId), parse.GetValue(lineId), ct));
            return 0;
        }, ct));
        root.Subcommands.Add(issueKey);

        return await root.Parse(args).InvokeAsync();
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

    private static async Task<int> WithStoreAsync(Func<OrganizationStore, Task<int>> action, CancellationToken ct)
    {
        await using var app = OptlineApp.Build([]);
        await app.Services.PrepareDatabaseAsync(ct);
        return await action(app.Services.GetRequiredService<OrganizationStore>());
    }
}
