using Xunit.Abstractions;

namespace Optline.Faults.Tests.Faults;

/// <summary>Twilio failing (500, a hang beyond the client timeout, 429 with Retry-After) and recovering: everything sent once, with backoff, nothing after STOP.</summary>
public sealed class CarrierOutageTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_carrier_outage_delays_sends_with_backoff_and_after_it_everything_is_sent_once_and_nothing_after_stop()
    {
        var report = await FaultRuns.CarrierOutageAsync(FaultScale.Short);

        output.WriteLine(report.Describe());
        Assert.True(report.Holds, report.Describe());
    }
}
