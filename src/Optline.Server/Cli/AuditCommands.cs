using System.CommandLine;
using Optline.Core.Phones;
using Optline.Server.Audit;
using Optline.Storage.Audit;
using Optline.Storage.Organizations;

namespace Optline.Server.Cli;

/// <summary><c>audit export|verify|proof|retention</c>: the attestation record from the command line; <c>verify --file</c> needs no database.</summary>
public static class AuditCommands
{
    public static IEnumerable<Command> All()
    {
        var audit = new Command("audit", "The attestation record: export, verify, consent proofs, retention.");
        audit.Subcommands.Add(Export());
        audit.Subcommands.Add(Verify());
        audit.Subcommands.Add(Proof());
        audit.Subcommands.Add(Retention());
        yield return audit;
    }

    private static Command Export()
    {
        var format = new Option<string>("--format") { Description = "jsonl (default) or csv.", DefaultValueFactory = _ => "jsonl" };
        var output = new Option<FileInfo?>("--out") { Description = "The file to write; standard output when omitted." };
        var contact = new Option<string?>("--contact") { Description = "Only records about this contact." };
        var @event = new Option<string?>("--event") { Description = "Only records of this event type." };
        var command = new Command("export", "Export the attestation record, streamed.") { OrganizationCommands.Organization, format, output, contact, @event };
        command.SetAction((parse, ct) => OptlineCommandLine.WithServicesAsync(async services =>
        {
            string? contactNumber = null;
            if (parse.GetValue(contact) is { } raw && !PhoneNumbers.TryNormalize(raw, out contactNumber, out var error))
            {
                await Console.Error.WriteLineAsync(PhoneNumbers.Describe(error, raw));
                return 2;
            }

            var organization = parse.GetValue(OrganizationCommands.Organization);
            var queries = services.GetRequiredService<AuditQueries>();
            var filter = new AuditFilter(Contact: contactNumber, Event: parse.GetValue(@event));
            await using var stream = parse.GetValue(output) is { } file ? file.Create() : Console.OpenStandardOutput();
            var records = queries.StreamAsync(organization, filter, ct);
            var count = parse.GetValue(format) == "csv"
                ? await AuditExport.WriteCsvAsync(records, stream, ct)
                : await AuditExport.WriteJsonLinesAsync(records, stream, organization, filter.IsWholeChain, await queries.CheckpointAsync(organization, ct), ct);
            await Console.Error.WriteLineAsync($"{count} records exported.");
            return 0;
        }, ct));
        return command;
    }

    private static Command Verify()
    {
        var file = new Option<FileInfo?>("--file") { Description = "An exported file (JSON Lines or CSV) to verify offline, with no database." };
        var organization = new Option<long?>("--organization") { Description = "Verify this organization's chain in the database." };
        var command = new Command("verify", "Verify a chain: in the database, or an exported file offline. Exit code 0 when it holds, 1 when not.") { file, organization };
        command.SetAction(async (parse, ct) =>
        {
            AuditVerification result;
            if (parse.GetValue(file) is { } path)
            {
                using var reader = path.OpenText();
                var (records, checkpoint, wholeChain) = await AuditExport.ReadAsync(reader, ct);
                if (!wholeChain)
                {
                    await Console.Error.WriteLineAsync("This export was filtered: only a whole-chain export can be verified.");
                    return 2;
                }

                result = await AuditVerifier.VerifyAsync(records, checkpoint, ct);
            }
            else if (parse.GetValue(organization) is { } id)
            {
                AuditVerification? found = null;
                await OptlineCommandLine.WithServicesAsync(async services =>
                {
                    found = await services.GetRequiredService<AuditQueries>().VerifyAsync(id, ct);
                    return 0;
                }, ct);
                result = found!;
            }
            else
            {
                await Console.Error.WriteLineAsync("Give --file (offline) or --organization (in the database).");
                return 2;
            }

            Console.WriteLine(result.Ok
                ? $"ok: {result.Records} records, head hash {result.HeadHash}"
                : $"NOT OK: first bad record {result.FirstBadSeq}: {result.Reason}");
            return result.Ok ? 0 : 1;
        });
        return command;
    }

    private static Command Proof()
    {
        var contact = new Option<string>("--contact") { Description = "The contact's number.", Required = true };
        var format = new Option<string>("--format") { Description = "html (default) or pdf.", DefaultValueFactory = _ => "html" };
        var output = new Option<FileInfo>("--out") { Description = "The file to write.", Required = true };
        var command = new Command("proof", "Write a contact's consent proof.") { OrganizationCommands.Organization, contact, format, output };
        command.SetAction((parse, ct) => OptlineCommandLine.WithServicesAsync(async services =>
        {
            if (!PhoneNumbers.TryNormalize(parse.GetValue(contact), out var number, out var error))
            {
                await Console.Error.WriteLineAsync(PhoneNumbers.Describe(error, parse.GetValue(contact)));
                return 2;
            }

            var proof = await services.GetRequiredService<ProofBuilder>().BuildAsync(parse.GetValue(OrganizationCommands.Organization), null, number, ct);
            var path = parse.GetValue(output)!.FullName;
            if (parse.GetValue(format) == "pdf")
            {
                await File.WriteAllBytesAsync(path, ProofPdf.Render(proof), ct);
            }
            else
            {
                await File.WriteAllTextAsync(path, ProofHtml.Render(proof), ct);
            }

            Console.WriteLine($"{proof.Records.Count} records written to {path}");
            return 0;
        }, ct));
        return command;
    }

    private static Command Retention()
    {
        var command = new Command("retention", "Apply the organization's retention period now (nothing is removed without one, or under a legal hold).") { OrganizationCommands.Organization };
        command.SetAction((parse, ct) => OptlineCommandLine.WithServicesAsync(async services =>
        {
            var organization = parse.GetValue(OrganizationCommands.Organization);
            var (_, settings) = await services.GetRequiredService<OrganizationStore>().GetSettingsAsync(organization, ct);
            if (settings.RetentionDays is not { } days)
            {
                Console.WriteLine("No retention period is set: the record is kept forever.");
                return 0;
            }

            var result = await services.GetRequiredService<AuditRetention>().ApplyAsync(organization, TimeSpan.FromDays(days), settings.LegalHold, ct);
            Console.WriteLine(result.Refusal ?? $"{result.Removed} records removed; the chain now starts after seq {result.Checkpoint?.Seq}.");
            return 0;
        }, ct));
        return command;
    }
}
