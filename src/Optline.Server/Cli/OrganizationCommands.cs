using System.CommandLine;
using Optline.Core.Phones;
using Optline.Storage.Organizations;

namespace Optline.Server.Cli;

/// <summary>Verbs that create organizations, lines and keys.</summary>
public static class OrganizationCommands
{
    public static readonly Option<long> Organization = new("--organization") { Description = "The organization id.", Required = true };

    public static IEnumerable<Command> All()
    {
        var name = new Option<string>("--name") { Description = "The organization's name.", Required = true };
        var createOrganization = new Command("create-organization", "Create an organization and print its first admin key.") { name };
        createOrganization.SetAction((parse, ct) => OptlineCommandLine.WithServicesAsync(async services =>
        {
            var key = ApiKeys.NewKey("admin");
            var id = await services.GetRequiredService<OrganizationStore>().CreateOrganizationAsync(parse.GetValue(name)!, key, ct);
            Console.WriteLine($"organization {id}\nadmin key {key}  (shown once)");
            return 0;
        }, ct));
        yield return createOrganization;

        var number = new Option<string>("--number") { Description = "The line's phone number.", Required = true };
        var displayName = new Option<string>("--display-name") { Description = "The name contacts see in opt-in requests.", Required = true };
        var createLine = new Command("create-line", "Create a line and print its API key.") { Organization, number, displayName };
        createLine.SetAction((parse, ct) => OptlineCommandLine.WithServicesAsync(async services =>
        {
            if (!PhoneNumbers.TryNormalize(parse.GetValue(number), out var e164, out var error))
            {
                await Console.Error.WriteLineAsync(PhoneNumbers.Describe(error, parse.GetValue(number)));
                return 2;
            }

            var created = await services.GetRequiredService<OrganizationStore>().CreateLineAsync(parse.GetValue(Organization), e164, parse.GetValue(displayName)!, ct);
            if (created is not { } line)
            {
                await Console.Error.WriteLineAsync($"{e164} is already a line.");
                return 1;
            }

            Console.WriteLine($"line {line.Line.Id} {line.Line.Number}\nline key {line.ApiKey}  (shown once)");
            return 0;
        }, ct));
        yield return createLine;

        var lineId = new Option<long?>("--line") { Description = "A line id: the key acts for that line only. Without it, an admin key." };
        var issueKey = new Command("issue-key", "Issue a new API key.") { Organization, lineId };
        issueKey.SetAction((parse, ct) => OptlineCommandLine.WithServicesAsync(async services =>
        {
            Console.WriteLine(await services.GetRequiredService<OrganizationStore>().IssueKeyAsync(parse.GetValue(Organization), parse.GetValue(lineId), ct));
            return 0;
        }, ct));
        yield return issueKey;
    }
}
