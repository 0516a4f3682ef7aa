namespace Optline.Server.Outbox;

/// <summary>
/// The sends to each contact that are between their last consent re-check and the carrier's answer on this node.
/// Acknowledging an opt-out waits (bounded) for the ones already under way, so once the 2xx leaves nothing more from
/// this node reaches the carrier for that contact: a send re-checked after the opt-out's commit is refused.
/// </summary>
public sealed class SendsInFlight
{
    private readonly Dictionary<string, List<TaskCompletionSource>> _byContact = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Marks a send to <paramref name="contact"/> as under way, before its re-check; dispose once the carrier answered.</summary>
    public IDisposable Begin(string contact)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (!_byContact.TryGetValue(contact, out var sends))
            {
                _byContact[contact] = sends = [];
            }

            sends.Add(done);
        }

        return new Flight(this, contact, done);
    }

    /// <summary>Completes when every send to <paramref name="contact"/> under way now has been answered, or after <paramref name="timeout"/>.</summary>
    public async Task WaitAsync(string contact, TimeSpan timeout, CancellationToken ct)
    {
        Task[] underway;
        lock (_lock)
        {
            underway = _byContact.TryGetValue(contact, out var sends) ? [.. sends.Select(s => s.Task)] : [];
        }

        if (underway.Length == 0)
        {
            return;
        }

        try
        {
            await Task.WhenAll(underway).WaitAsync(timeout, ct);
        }
        catch (TimeoutException)
        {
            // A carrier that does not answer: the send started before the opt-out and is the carrier's now.
        }
    }

    private void End(string contact, TaskCompletionSource done)
    {
        lock (_lock)
        {
            if (_byContact.TryGetValue(contact, out var sends) && sends.Remove(done) && sends.Count == 0)
            {
                _byContact.Remove(contact);
            }
        }

        done.TrySetResult();
    }

    private sealed class Flight(SendsInFlight owner, string contact, TaskCompletionSource done) : IDisposable
    {
        public void Dispose() => owner.End(contact, done);
    }
}
