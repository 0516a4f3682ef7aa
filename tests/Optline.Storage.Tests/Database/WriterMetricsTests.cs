using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Optline.Storage.Tests.Support;

namespace Optline.Storage.Tests.Database;

/// <summary>The writer's meter tells an operator how long events wait, how long batches and commits take, and their size.</summary>
public sealed class WriterMetricsTests
{
    [Theory, AllDatabases]
    public async Task Events_that_queue_behind_a_batch_are_measured_waiting_and_then_committed_together(string provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider, writers: 1);
        var measured = new ConcurrentQueue<(string Name, double Value)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter == db.Database.Writer.Meter)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => measured.Enqueue((instrument.Name, value)));
        listener.SetMeasurementEventCallback<int>((instrument, value, _, _) => measured.Enqueue((instrument.Name, value)));
        listener.Start();

        var gates = await WriterGates.HoldAsync(db.Database);
        var waiting = Enumerable.Range(0, 10).Select(i => db.Conversations.ContactSendAsync(db.Inbound($"+1201555{i:0000}", "Hello"))).ToList();
        gates.OpenAll();
        await Task.WhenAll(waiting);

        double[] Values(string name) => [.. measured.Where(m => m.Name == name).Select(m => m.Value)];
        Assert.Equal([1, 10], Values("optline.writer.batch.size"));
        Assert.Equal(11, Values("optline.writer.queue.duration").Length); // the gate's work and the ten events
        Assert.All(Values("optline.writer.queue.duration"), wait => Assert.True(wait >= 0));
        var batches = Values("optline.writer.batch.duration");
        var commits = Values("optline.writer.commit.duration");
        Assert.Equal(2, batches.Length);
        Assert.Equal(2, commits.Length);
        Assert.All(batches.Zip(commits), pair => Assert.InRange(pair.Second, 0, pair.First));
    }
}
