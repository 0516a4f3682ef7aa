using Xunit.Abstractions;

namespace Optline.Faults.Tests.Faults;

/// <summary>Carriers repeat and reorder webhooks; STOPs race with sends. Every message is processed once and nothing follows a STOP.</summary>
public sealed class DeliveryOrderTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Every_webhook_delivered_two_to_five_times_and_reordered_is_stored_and_acted_on_once()
    {
        var report = await FaultRuns.DuplicatesAndReorderingAsync(FaultScale.Short);

        output.WriteLine(report.Describe());
        Assert.True(report.Holds, report.Describe());
    }

    [Fact]
    public async Task A_stop_racing_queued_sends_and_held_releases_lets_nothing_reach_the_carrier_after_its_acknowledgement()
    {
        var report = await FaultRuns.StopRacesAsync(FaultScale.Short);

        output.WriteLine(report.Describe());
        Assert.True(report.Holds, report.Describe());
    }
}
