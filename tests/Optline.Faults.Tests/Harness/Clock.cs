using System.Diagnostics;

namespace Optline.Faults;

/// <summary>
/// One monotonic clock for everything the harness observes — a webhook's acknowledgement, a request arriving at the
/// fake carrier, a SIGKILL — so their order can be compared without trusting the wall clock.
/// </summary>
public static class Clock
{
    private static readonly long Origin = Stopwatch.GetTimestamp();

    public static TimeSpan Now => Stopwatch.GetElapsedTime(Origin);
}
