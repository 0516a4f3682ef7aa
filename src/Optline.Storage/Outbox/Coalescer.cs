namespace Optline.Storage.Outbox;

/// <summary>
/// Turns many concurrent single-item requests into few set-based ones: the first caller starts a round, and every
/// item that arrives while a round is under way waits for the next round, which takes them all. Each item is served
/// by a round that started after it arrived, so a read answers with what was committed when it was asked.
/// </summary>
internal sealed class Coalescer<TItem, TResult>(Func<IReadOnlyList<TItem>, Task<IReadOnlyList<TResult>>> round, int maxPerRound, Func<Task>? idle = null)
{
    private readonly Lock _lock = new();
    private readonly List<(TItem Item, TaskCompletionSource<TResult> Done)> _waiting = [];
    private bool _running;

    public Task<TResult> RunAsync(TItem item)
    {
        var done = new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            _waiting.Add((item, done));
            if (_running)
            {
                return done.Task;
            }

            _running = true;
        }

        _ = Task.Run(RoundsAsync);
        return done.Task;
    }

    private async Task RoundsAsync()
    {
        while (true)
        {
            // Callers woken by the last round's answers are queued on the thread pool: let them ask before this round starts.
            await Task.Yield();
            List<(TItem Item, TaskCompletionSource<TResult> Done)> taken;
            lock (_lock)
            {
                taken = _waiting.GetRange(0, Math.Min(_waiting.Count, maxPerRound));
                _waiting.RemoveRange(0, taken.Count);
            }

            if (taken.Count == 0)
            {
                if (idle is not null)
                {
                    // Still the only runner: no round starts while it idles.
                    await idle();
                }

                lock (_lock)
                {
                    if (_waiting.Count == 0)
                    {
                        _running = false;
                        return;
                    }
                }

                continue;
            }

            try
            {
                var results = await round([.. taken.Select(t => t.Item)]);
                for (var i = 0; i < taken.Count; i++)
                {
                    taken[i].Done.TrySetResult(results[i]);
                }
            }
            catch (Exception ex)
            {
                foreach (var (_, done) in taken)
                {
                    done.TrySetException(ex);
                }
            }
        }
    }
}
