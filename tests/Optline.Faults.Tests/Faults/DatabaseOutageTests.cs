using Optline.Faults.Tests.Support;
using Xunit.Abstractions;

namespace Optline.Faults.Tests.Faults;

/// <summary>PostgreSQL stopped mid-run: webhooks get 503 and are retried, nothing acknowledged is unstored, and Optline recovers by itself.</summary>
public sealed class DatabaseOutageTests(ITestOutputHelper output)
{
    [PostgresFact]
    public async Task Postgres_stopped_mid_run_gets_503s_loses_nothing_and_optline_recovers_without_a_restart()
    {
        await using var postgres = await PostgresCluster.StartAsync();

        var report = await FaultRuns.DatabaseOutageAsync(FaultScale.Short, postgres);

        output.WriteLine(report.Describe());
        Assert.True(report.Holds, report.Describe());
    }
}
