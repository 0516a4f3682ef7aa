using Microsoft.Data.Sqlite;
using Optline.Storage.Database;
using Optline.Storage.Tests.Support;

namespace Optline.Storage.Tests.Database;

/// <summary>SQLite's write-ahead log stays bounded while the writer never pauses.</summary>
public sealed class WriteAheadLogTests
{
    [Fact]
    public async Task Under_sustained_writes_the_log_starts_over_instead_of_growing()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        var log = new SqliteConnectionStringBuilder(db.Options.ConnectionString).DataSource + "-wal";
        const int FrameBytes = SqliteDialect.PageSize + 24; // a frame is a page and its header
        var largest = 0L;

        // Waves of 64 first contacts, each wave queued while the last commits, so the writer is never idle.
        // About 7,000 of them fill 4,096 pages; the numbers go through several area codes, 10,000 to each.
        string[] areaCodes = ["201", "202", "203", "205", "206"];
        var contacts = 7000 * WalCheckpointer.CatchUpAfterFrames / 4096;
        var inFlight = new List<Task>();
        for (var i = 0; i < contacts; i++)
        {
            var number = $"+1{areaCodes[i / 10_000]}555{i % 10_000:0000}";
            inFlight.Add(db.Conversations.ContactSendAsync(db.Inbound(number, "Hello, is this the office?")));
            if (inFlight.Count == 64)
            {
                await Task.WhenAny(inFlight);
                inFlight.RemoveAll(t => t.IsCompleted);
                largest = Math.Max(largest, new FileInfo(log).Length);
            }
        }

        await Task.WhenAll(inFlight);
        var (catchUps, catchUpTime) = db.Database.Writer.CatchUps;

        // Every page of the database went through the log at least once.
        var pages = await db.ScalarAsync("SELECT page_count FROM pragma_page_count()");
        Assert.True(pages > 2 * WalCheckpointer.CatchUpAfterFrames, $"the test wrote too little to cross the bound ({pages} pages)");
        await using (var check = new SqliteConnection(db.Options.ConnectionString))
        {
            await check.OpenAsync();
            await using var command = check.CreateCommand();
            command.CommandText = "PRAGMA integrity_check";
            Assert.Equal("ok", await command.ExecuteScalarAsync());
        }

        // Past twice its bound the writer copies the log itself after its commit, however far behind the checkpoint's
        // passes are (on a busy machine they fell far enough behind for the log to reach four times the bound).
        Assert.True(largest <= 3L * WalCheckpointer.CatchUpAfterFrames * FrameBytes,
            $"the log reached {largest / 1024 / 1024} MB; bound {WalCheckpointer.CatchUpAfterFrames} frames; the writer caught up {catchUps} times in {catchUpTime.TotalMilliseconds:N0} ms");
    }
}
