using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Optline.Load;

/// <summary>
/// The group-commit writer's own timings (its <c>Optline.Storage</c> meter) while a run lasts, for the server in this
/// process: how long events waited for the batch before theirs, how long their batch took, and its commit.
/// </summary>
public sealed class WriterTimings : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<double>> _values = new();

    public WriterTimings(Meter writer)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter == writer)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => Of(instrument.Name).Enqueue(value * 1000));
        _listener.SetMeasurementEventCallback<int>((instrument, value, _, _) => Of(instrument.Name).Enqueue(value));
        _listener.Start();
    }

    /// <summary>p50 and p99 of each timing, in milliseconds (events for the batch size).</summary>
    public string Describe()
    {
        string Figure(string name, string label, Func<double, string> format) =>
            _values.TryGetValue(name, out var values) && !values.IsEmpty
                ? $"{label} p50 {format(Percentiles.Of(values, 50))}, p99 {format(Percentiles.Of(values, 99))}"
                : $"{label} not measured";
        return string.Join("; ", [
            Figure("optline.writer.queue.duration", "wait for the batch before", Fmt.Ms),
            Figure("optline.writer.batch.duration", "own batch", Fmt.Ms),
            Figure("optline.writer.commit.duration", "its commit", Fmt.Ms),
            Figure("optline.writer.batch.size", "events a batch", v => Fmt.N(v, 0)),
        ]);
    }

    public void Dispose() => _listener.Dispose();

    private ConcurrentQueue<double> Of(string name) => _values.GetOrAdd(name, _ => new ConcurrentQueue<double>());
}
