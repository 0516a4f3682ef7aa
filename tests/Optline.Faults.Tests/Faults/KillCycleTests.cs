using Optline.Faults.Tests.Support;
using Xunit.Abstractions;

namespace Optline.Faults.Tests.Faults;

/// <summary>The server SIGKILLed at random moments under traffic and restarted: nothing acknowledged is lost, nothing is sent after a STOP.</summary>
public sealed class KillCycleTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Sigkill_at_random_moments_on_sqlite_loses_nothing_and_sends_nothing_after_stop()
    {
        var report = await FaultRuns.KillCyclesAsync(FaultScale.Short with { KillCycles = 3 });

        output.WriteLine(report.Describe());
        Assert.True(report.Holds, report.Describe());
    }

    [PostgresFact]
    public async Task Sigkill_at_random_moments_on_postgres_loses_nothing_and_sends_nothing_after_stop()
    {
        await using var postgres = await PostgresCluster.StartAsync();

        var report = await FaultRuns.KillCyclesAsync(FaultScale.Short with { KillCycles = 2 }, postgres);

        output.WriteLine(report.Describe());
        Assert.True(report.Holds, report.Describe());
    }
}
