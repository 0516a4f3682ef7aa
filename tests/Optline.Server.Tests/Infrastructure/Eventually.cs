using System.Diagnostics;

namespace Optline.Server.Tests.Infrastructure;

/// <summary>Polls for an asynchronous effect (the outbox, a carrier) with a bounded timeout instead of sleeping.</summary>
public static class Eventually
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(20);

    public static async Task<T> ProbeAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }

            if (clock.Elapsed > Timeout)
            {
                throw new TimeoutException($"Waited {Timeout.TotalSeconds:0} s for {what}; the last value was: {Describe(value)}");
            }

            await Task.Delay(Interval);
        }
    }

    private static string Describe(object? value) => value switch
    {
        System.Collections.IEnumerable items and not string => "[" + string.Join(", ", items.Cast<object?>()) + "]",
        _ => value?.ToString() ?? "null",
    };
}
