using System.Diagnostics;
using System.Globalization;
using Optline.Faults;

// The long fault runs: 20 SIGKILL cycles per database, long carrier and database outages, many duplicated and racing
// webhooks, each followed by the invariants' check. Prints the table of docs/reliability.md; exits 1 if any run broke one.
//
//   dotnet run -c Release --project bench/Optline.Faults -- [--cycles 20] [--postgres] [--seed 1] [--only kill,carrier,database,duplicates,races]
var cycles = 20;
var postgres = false;
var seed = 1;
string[]? only = null;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--cycles":
            cycles = int.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        case "--postgres":
            postgres = true;
            break;
        case "--seed":
            seed = int.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        case "--only":
            only = args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            break;
        default:
            Console.Error.WriteLine($"Unknown argument '{args[i]}'. Usage: [--cycles 20] [--postgres] [--seed 1] [--only kill,carrier,database,duplicates,races]");
            return 2;
    }
}

if (postgres && !PostgresCluster.IsInstalled)
{
    Console.Error.WriteLine(PostgresCluster.UnavailableReason);
    return 2;
}

var scale = FaultScale.Long with { KillCycles = cycles };
var runs = new List<(string Name, Func<Task<RunReport>> Run)>
{
    ("kill", () => FaultRuns.KillCyclesAsync(scale, seed: seed)),
    ("carrier", () => FaultRuns.CarrierOutageAsync(scale, seed + 1)),
    ("duplicates", () => FaultRuns.DuplicatesAndReorderingAsync(scale, seed: seed + 3)),
    ("races", () => FaultRuns.StopRacesAsync(scale, seed: seed + 4)),
};
if (postgres)
{
    runs.Add(("kill", () => WithPostgresAsync(cluster => FaultRuns.KillCyclesAsync(scale, cluster, seed))));
    runs.Add(("database", () => WithPostgresAsync(cluster => FaultRuns.DatabaseOutageAsync(scale, cluster, seed + 2))));
    runs.Add(("duplicates", () => WithPostgresAsync(cluster => FaultRuns.DuplicatesAndReorderingAsync(scale, cluster, seed + 3))));
    runs.Add(("races", () => WithPostgresAsync(cluster => FaultRuns.StopRacesAsync(scale, cluster, seed + 4))));
}

var clock = Stopwatch.StartNew();
var reports = new List<RunReport>();
foreach (var (name, run) in runs.Where(r => only is null || only.Contains(r.Name)))
{
    Console.Error.WriteLine($"[{clock.Elapsed:hh\\:mm\\:ss}] {name} …");
    var report = await run();
    reports.Add(report);
    Console.Error.WriteLine(report.Describe());
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"Optline fault runs, {TimeProvider.System.GetUtcNow():yyyy-MM-dd}, seed {seed}, {Environment.ProcessorCount} CPUs, {clock.Elapsed.TotalMinutes:0.0} min in all"));
Console.WriteLine();
Console.WriteLine(RunReport.TableHeader);
foreach (var report in reports)
{
    Console.WriteLine(report.TableRow);
}

Console.WriteLine();
foreach (var report in reports)
{
    foreach (var note in report.Notes)
    {
        Console.WriteLine($"- {report.Fault} ({report.Database}): {note}");
    }
}

var broken = reports.Where(r => !r.Holds).ToList();
foreach (var report in broken)
{
    Console.WriteLine($"\nVIOLATIONS in {report.Fault} ({report.Database}):");
    foreach (var violation in report.Violations)
    {
        Console.WriteLine("  - " + violation);
    }
}

return broken.Count == 0 ? 0 : 1;

static async Task<RunReport> WithPostgresAsync(Func<PostgresCluster, Task<RunReport>> run)
{
    await using var cluster = await PostgresCluster.StartAsync();
    return await run(cluster);
}
