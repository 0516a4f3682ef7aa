using System.CommandLine;
using System.Globalization;
using Optline.Core.Consent;
using Optline.Core.Phones;
using Optline.Server.Consents;
using Optline.Storage.Audit;
using Optline.Storage.Conversations;
using Optline.Storage.Organizations;

namespace Optline.Server.Cli;

/// <summary><c>consents import|export</c>: the consent registry as CSV.</summary>
public static class ConsentCommands
{
    public const string ImportHeader = "line,contact,channel,state,method,collectedAt,text,reference";

    public static IEnumerable<Command> All()
    {
        var consents = new Command("consents", "The consent registry: import consent collected elsewhere, export the current states.");
        consents.Subcommands.Add(Import());
        consents.Subcommands.Add(Export());
        yield return consents;
    }

    private static Command Import()
    {
        var file = new Option<FileInfo>("--file") { Description = $"CSV with the header: {ImportHeader}", Required = true };
        var command = new Command("import", "Import consent with its evidence (opted_in) or revocations (opted_out). Each row is recorded; a row contradicted by a later opt-out is refused.")
        {
            OrganizationCommands.Organization, file,
        };
        command.SetAction((parse, ct) => OptlineCommandLine.WithServicesAsync(async services =>
        {
            var organization = parse.GetValue(OrganizationCommands.Organization);
            var organizations = services.GetRequiredService<OrganizationStore>();
            var conversations = services.GetRequiredService<ConversationService>();
            using var reader = parse.GetValue(file)!.OpenText();
            var header = await Csv.ReadRowAsync(reader, ct);
            if (header is null || string.Join(',', header) != ImportHeader)
            {
                await Console.Error.WriteLineAsync($"The first row must be: {ImportHeader}");
                return 2;
            }

            int row = 1, imported = 0, refused = 0;
            while (await Csv.ReadRowAsync(reader, ct) is { } fields)
            {
                row++;
                var error = await ImportRowAsync(fields, organization, organizations, conversations, ct);
                if (error is null)
                {
                    imported++;
                }
                else
                {
                    refused++;
                    await Console.Error.WriteLineAsync($"row {row}: {error}");
                }
            }

            Console.WriteLine($"{imported} imported, {refused} refused.");
            return refused == 0 ? 0 : 1;
        }, ct));
        return command;
    }

    private static async Task<string?> ImportRowAsync(List<string> fields, long organization, OrganizationStore organizations, ConversationService conversations, CancellationToken ct)
    {
        if (fields.Count != 8)
        {
            return $"expected 8 fields, found {fields.Count}";
        }

        if (!PhoneNumbers.TryNormalize(fields[0], out var lineNumber, out var lineError))
        {
            return PhoneNumbers.Describe(lineError, fields[0]);
        }

        var line = await organizations.FindLineByNumberAsync(lineNumber, ct);
        if (line is null || line.OrganizationId != organization)
        {
            return $"{lineNumber} is not a line of organization {organization}";
        }

        if (!PhoneNumbers.TryNormalize(fields[1], out var contact, out var contactError))
        {
            return PhoneNumbers.Describe(contactError, fields[1]);
        }

        if (!VocabularyNames.TryParseChannel(fields[2], out var channel))
        {
            return "channel must be sms or whatsapp";
        }

        if (!VocabularyNames.TryParseState(fields[3], out var state) || state is not (ConsentState.OptedIn or ConsentState.OptedOut))
        {
            return "state must be opted_in or opted_out";
        }

        if (!DateTimeOffset.TryParse(fields[5], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var collectedAt) || fields[4].Length == 0)
        {
            return "method and collectedAt (ISO 8601) are required evidence";
        }

        var evidence = new ConsentEvidence(fields[4], collectedAt, fields[6].Length == 0 ? null : fields[6], fields[7].Length == 0 ? null : fields[7]);
        var cause = new AuditEntry(state == ConsentState.OptedIn ? "consent_import" : "consent_revocation")
        {
            Text = evidence.Text,
            Detail = $"method={evidence.Method}; collectedAt={evidence.CollectedAt:O}; reference={evidence.Reference}; source=cli",
        };
        var outcome = await conversations.ApplyAsync(line, contact, channel,
            at => state == ConsentState.OptedIn ? new ConsentImported(state, evidence, at) : new ConsentRevoked(evidence.Method, at), cause, ct);
        return outcome.Refusal;
    }

    private static Command Export()
    {
        var output = new Option<FileInfo?>("--out") { Description = "The file to write; standard output when omitted." };
        var command = new Command("export", "Export every conversation's current consent as CSV.") { OrganizationCommands.Organization, output };
        command.SetAction((parse, ct) => OptlineCommandLine.WithServicesAsync(async services =>
        {
            await using var stream = parse.GetValue(output) is { } file ? file.Create() : Console.OpenStandardOutput();
            await RegistryCsv.WriteAsync(services.GetRequiredService<RegistryQueries>().StreamAsync(parse.GetValue(OrganizationCommands.Organization), new RegistryFilter(), ct: ct), stream, ct);
            return 0;
        }, ct));
        return command;
    }
}
