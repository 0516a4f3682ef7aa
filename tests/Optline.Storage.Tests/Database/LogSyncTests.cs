using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Optline.Storage.Database;
using Optline.Storage.Tests.Support;

namespace Optline.Storage.Tests.Database;

/// <summary>
/// The SQLite writer commits without waiting for the disk and goes on with its next batch; an event is acknowledged only
/// once a sync of the log that began after its commit has finished.
/// </summary>
public sealed class LogSyncTests
{
    private const int SqliteIoError = 10;

    [Fact]
    public async Task Each_event_is_acknowledged_only_after_a_sync_that_covers_its_commit()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        var log = new SqliteConnectionStringBuilder(db.Options.ConnectionString).DataSource + "-wal";

        for (var i = 0; i < 20; i++)
        {
            var (deferredBefore, _) = WalWriteBuffer.DeferredSyncsFor(log);
            await db.Conversations.ContactSendAsync(db.Inbound($"+1201555{i:0000}", "Hello, is this the office?"));

            var (deferred, synced) = WalWriteBuffer.DeferredSyncsFor(log);
            Assert.True(deferred > deferredBefore, $"the commit left its sync to the syncer ({deferredBefore} → {deferred})");
            Assert.True(synced > deferredBefore, $"acknowledged after a sync covering {synced} of {deferred} commits, {deferredBefore} before the event");
        }

        Assert.True(db.Database.Writer.LogSyncs.Count >= 20);
    }

    [Fact]
    public async Task Batches_committed_while_a_sync_runs_are_acknowledged_together_by_the_next()
    {
        using var firstSyncStarted = new ManualResetEventSlim();
        using var releaseFirstSync = new ManualResetEventSlim();
        var syncs = 0;
        using var syncer = new LogSyncer(
            () =>
            {
                if (Interlocked.Increment(ref syncs) == 1)
                {
                    firstSyncStarted.Set();
                    releaseFirstSync.Wait(TimeSpan.FromSeconds(30));
                }

                return SqliteNative.Ok;
            },
            "test-wal",
            NullLogger.Instance);
        var first = Acknowledgement();
        var second = Acknowledgement();
        var third = Acknowledgement();

        syncer.AfterSync(first.Answer);
        Assert.True(firstSyncStarted.Wait(TimeSpan.FromSeconds(30)));
        syncer.AfterSync(second.Answer);
        syncer.AfterSync(third.Answer);
        Assert.False(first.Task.IsCompleted, "acknowledged before its sync ended");
        releaseFirstSync.Set();

        Assert.Null(await first.Task);
        Assert.Null(await second.Task);
        Assert.Null(await third.Task);
        Assert.Equal(2, Volatile.Read(ref syncs));
        Assert.Equal(2, syncer.Syncs.Count);
    }

    [Fact]
    public async Task After_a_failed_sync_no_batch_is_acknowledged_again()
    {
        var results = new Queue<int>([SqliteIoError, SqliteNative.Ok]);
        using var syncer = new LogSyncer(() => results.Count > 0 ? results.Dequeue() : SqliteNative.Ok, "test-wal", NullLogger.Instance);
        var first = Acknowledgement();
        syncer.AfterSync(first.Answer);

        var failure = await first.Task;
        syncer.WaitUntilAnswered();
        var later = Acknowledgement();
        syncer.AfterSync(later.Answer);

        Assert.IsType<IOException>(failure);
        Assert.Contains("could not sync its write-ahead log test-wal", failure.Message);
        Assert.Same(failure, await later.Task);
        Assert.Same(failure, syncer.Failure);
        Assert.Single(results);
    }

    private static Answered Acknowledgement() => new(new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously));

    private sealed record Answered(TaskCompletionSource<Exception?> Completion)
    {
        public Task<Exception?> Task => Completion.Task;

        public void Answer(Exception? failure) => Completion.TrySetResult(failure);
    }
}
