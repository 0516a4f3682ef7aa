using System.Globalization;

namespace Optline.Load;

/// <summary>The harness's command line. Every phase is bounded in time; <c>--quick</c> shortens them all.</summary>
public sealed record LoadOptions
{
    public bool Quick { get; init; }

    public bool Postgres { get; init; }

    /// <summary>Conversations in the footprint database (default 1,000,000; 100,000 with --quick).</summary>
    public int Conversations { get; init; }

    /// <summary>Client connections for the saturation runs on SQLite (PostgreSQL runs use 32, as the goal says).</summary>
    public int Connections { get; init; } = 64;

    /// <summary>Where databases and the fsync probe live (default: a new folder under the temp directory, removed at the end).</summary>
    public string? DataDirectory { get; init; }

    public bool Keep { get; init; }

    /// <summary>Run only these phases (comma-separated names), for working on one figure.</summary>
    public IReadOnlySet<string>? Only { get; init; }

    public string? MarkdownPath { get; init; }

    /// <summary>The inbound mix of the webhook, storage and PostgreSQL phases (default: <see cref="TrafficMix.Realistic"/>).</summary>
    public TrafficMix Mix { get; init; } = TrafficMix.Realistic;

    /// <summary>The open loop's rate instead of half the measured maximum, to compare two builds' latency at the same load.</summary>
    public double? OpenLoopRate { get; init; }

    /// <summary>Environment variables for the server when it runs as its own process (W5, D2, D3), to try a runtime setting on it alone.</summary>
    public IReadOnlyDictionary<string, string> ServerEnvironment { get; init; } = new Dictionary<string, string>();

    /// <summary>Overrides the saturation window (to attach dotnet-trace or dotnet-counters to a long one).</summary>
    public TimeSpan? Saturation { get; init; }

    /// <summary>Overrides the warm-up before each measured window.</summary>
    public TimeSpan? Warmup { get; init; }

    public Durations Time
    {
        get
        {
            var defaults = Quick ? Durations.ForQuick : Durations.ForFull;
            return defaults with { Saturation = Saturation ?? defaults.Saturation, Warmup = Warmup ?? defaults.Warmup };
        }
    }

    /// <summary><c>--only postgres-storage</c>: the PostgreSQL phase runs its unit of work (P4) and nothing else.</summary>
    public bool PostgresStorageOnly => Only?.Contains("postgres-storage") == true;

    /// <summary>A unit-of-work phase run alone, in a process only seconds old.</summary>
    public bool StorageAlone => Only is { Count: 1 } && (Only.Contains("storage") || PostgresStorageOnly);

    public bool Runs(string phase) => Only is null || Only.Contains(phase) || (phase == "postgres" && PostgresStorageOnly);

    public const string Usage = """
        Optline load harness (issue 7): one table of figures, each beside a baseline measured in the same run.

          dotnet run -c Release --project bench/Optline.Load -- [options]

          --quick                 shorter phases (about 2 minutes); footprint with 100,000 conversations
          --postgres              also run the PostgreSQL rows: a throwaway PostgreSQL 15 cluster from
                                  /usr/lib/postgresql/15/bin, or the server in OPTLINE_BENCH_POSTGRES (a connection string)
          --conversations N       conversations in the footprint database (default 1,000,000)
          --connections N         client connections for the SQLite saturation runs (default 64)
          --data-dir PATH         where databases and the fsync probe go (default: a temp folder, deleted after)
          --keep                  keep the data folder
          --markdown PATH         also write the table as Markdown
          --saturation-seconds S  a longer (or shorter) saturation window, e.g. to attach dotnet-trace to it
          --warmup-seconds S      a longer (or shorter) warm-up before each measured window (default 3; quick 1.5)
          --only a,b,...          run only these phases: fsync, webhooks (with API sends and lookups), storage, outbox, pacing, footprint, postgres, and
                                  postgres-storage (P4 alone)
          --mix first=F,yes=Y,stop=S,duplicate=D
                                  shares of the inbound mix (the rest is ordinary traffic from contacts who opted in);
                                  default first=0.10,yes=0.08,stop=0.02,duplicate=0.05
          --server-env NAME=VALUE an environment variable for the server when it runs as its own process (W5, D2, D3),
                                  e.g. a runtime setting to try on it alone; repeatable
          --open-loop-rate R      the latency runs (W3, W5, P3) at R requests a second instead of half the measured maximum,
                                  to compare two builds at the same load
        """;

    public static LoadOptions Parse(string[] args)
    {
        var options = new LoadOptions();
        int? conversations = null;
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--quick":
                    options = options with { Quick = true };
                    break;
                case "--postgres":
                    options = options with { Postgres = true };
                    break;
                case "--conversations":
                    conversations = int.Parse(Value(), NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
                    break;
                case "--connections":
                    options = options with { Connections = int.Parse(Value(), CultureInfo.InvariantCulture) };
                    break;
                case "--data-dir":
                    options = options with { DataDirectory = Path.GetFullPath(Value()) };
                    break;
                case "--saturation-seconds":
                    options = options with { Saturation = TimeSpan.FromSeconds(double.Parse(Value(), CultureInfo.InvariantCulture)) };
                    break;
                case "--warmup-seconds":
                    options = options with { Warmup = TimeSpan.FromSeconds(double.Parse(Value(), CultureInfo.InvariantCulture)) };
                    break;
                case "--keep":
                    options = options with { Keep = true };
                    break;
                case "--markdown":
                    options = options with { MarkdownPath = Path.GetFullPath(Value()) };
                    break;
                case "--only":
                    options = options with { Only = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.OrdinalIgnoreCase) };
                    break;
                case "--mix":
                    options = options with { Mix = TrafficMix.Parse(Value()) };
                    break;
                case "--open-loop-rate":
                    options = options with { OpenLoopRate = double.Parse(Value(), CultureInfo.InvariantCulture) };
                    break;
                case "--server-env":
                    var setting = Value().Split('=', 2);
                    options = options with { ServerEnvironment = new Dictionary<string, string>(options.ServerEnvironment) { [setting[0]] = setting.ElementAtOrDefault(1) ?? "" } };
                    break;
                case "-h" or "--help":
                    throw new UsageRequestedException();
                default:
                    throw new ArgumentException($"Unknown option {args[i]}.");
            }
        }

        return options with { Conversations = conversations ?? (options.Quick ? 100_000 : 1_000_000) };
    }
}

public sealed class UsageRequestedException : Exception;

/// <summary>How long each phase runs. Full: about 10 minutes in all on 2 cores; quick: about 2.</summary>
public sealed record Durations(
    TimeSpan Warmup, TimeSpan Saturation, TimeSpan OpenLoop, TimeSpan Lookups, TimeSpan Storage, TimeSpan Outbox,
    TimeSpan PacingWindow, TimeSpan PacingWindowFast, int FsyncSamples, int OutboxRows, int OptedInPool, int PendingPool, int StartRuns,
    TimeSpan BusyFsync)
{
    public static readonly Durations ForFull = new(
        Warmup: TimeSpan.FromSeconds(3), Saturation: TimeSpan.FromSeconds(15), OpenLoop: TimeSpan.FromSeconds(20), Lookups: TimeSpan.FromSeconds(8),
        Storage: TimeSpan.FromSeconds(8), Outbox: TimeSpan.FromSeconds(10), PacingWindow: TimeSpan.FromSeconds(60), PacingWindowFast: TimeSpan.FromSeconds(10),
        FsyncSamples: 300, OutboxRows: 60_000, OptedInPool: 50_000, PendingPool: 20_000, StartRuns: 3,
        BusyFsync: TimeSpan.FromSeconds(5));

    public static readonly Durations ForQuick = new(
        Warmup: TimeSpan.FromSeconds(1.5), Saturation: TimeSpan.FromSeconds(5), OpenLoop: TimeSpan.FromSeconds(8), Lookups: TimeSpan.FromSeconds(3),
        Storage: TimeSpan.FromSeconds(3), Outbox: TimeSpan.FromSeconds(4), PacingWindow: TimeSpan.FromSeconds(10), PacingWindowFast: TimeSpan.FromSeconds(3),
        FsyncSamples: 100, OutboxRows: 20_000, OptedInPool: 20_000, PendingPool: 8_000, StartRuns: 1,
        BusyFsync: TimeSpan.FromSeconds(2));
}
