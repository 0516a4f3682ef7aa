using Optline.Storage.Database;

namespace Optline.Storage.Outbox;

/// <summary>
/// Many concurrent single-item writes as one unit of work: the unit takes every item waiting when the writer runs it,
/// not when it was queued, so an item waits for at most the batch being written and its own — as a lone event would.
/// </summary>
internal sealed class WriteCoalescer<TItem, TResult>(OptlineDatabase database, Func<WriteContext, IReadOnlyList<TItem>, CancellationToken, Task<IReadOnlyList<TResult>>> unit)
{
    private readonly Lock _lock = new();
    private List<(TItem Item, TaskCompletionSource<TResult> Done)> _waiting = [];
    private bool _queued;

    public Task<TResult> RunAsync(TItem item)
    {
        var done = new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        bool queue;
        lock (_lock)
        {
            _waiting.Add((item, done));
            queue = !_queued;
            _queued = true;
        }

        if (queue)
        {
            _ = WriteAsync();
        }

        return done.Task;
    }

    private async Task WriteAsync()
    {
        // Kept across runs: the writer runs a unit again after a transient failure, and what it took the first time was rolled back with it.
        var taken = new List<(TItem Item, TaskCompletionSource<TResult> Done)>();
        try
        {
            var results = await database.WriteAsync((context, ct) =>
            {
                lock (_lock)
                {
                    _queued = false;
                    taken.AddRange(_waiting);
                    _waiting = [];
                }

                return unit(context, [.. taken.Select(t => t.Item)], ct);
            });
            for (var i = 0; i < taken.Count; i++)
            {
                taken[i].Done.TrySetResult(results[i]);
            }
        }
        catch (Exception ex)
        {
            lock (_lock)
            {
                if (taken.Count == 0)
                {
                    // The unit never ran (the writer was stopped or its batch failed first): what waits for it fails with it.
                    _queued = false;
                    taken.AddRange(_waiting);
                    _waiting = [];
                }
            }

            foreach (var (_, done) in taken)
            {
                done.TrySetException(ex);
            }
        }
    }
}
