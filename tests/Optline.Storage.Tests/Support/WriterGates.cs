using Optline.Storage.Database;

namespace Optline.Storage.Tests.Support;

/// <summary>
/// Parks every writer of a database on a gate, one by one, so the events queued next all wait together. Opening the
/// first gate lets its writer take them all in one batch while the others stay parked; <see cref="OpenAll"/> frees the rest.
/// </summary>
internal sealed class WriterGates
{
    private readonly TaskCompletionSource[] _gates;

    private WriterGates(TaskCompletionSource[] gates) => _gates = gates;

    public static async Task<WriterGates> HoldAsync(OptlineDatabase database)
    {
        var gates = new TaskCompletionSource[database.Writer.WriterCount];
        for (var i = 0; i < gates.Length; i++)
        {
            var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var gate = gates[i] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _ = database.WriteAsync(async (_, _) =>
            {
                entered.SetResult();
                await gate.Task;
                return true;
            });
            // A guard, not a timing assumption: if the writer count changed, fail instead of hanging.
            await entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }

        return new WriterGates(gates);
    }

    public void OpenFirst() => _gates[0].TrySetResult();

    public void OpenAll()
    {
        foreach (var gate in _gates)
        {
            gate.TrySetResult();
        }
    }
}
