using Microsoft.Data.Sqlite;
using Optline.Storage.Conversations;
using Optline.Storage.Tests.Support;

namespace Optline.Storage.Tests.Database;

/// <summary>synchronous=FULL in WAL mode: an acknowledged event is in the write-ahead log the moment it is acknowledged.</summary>
public sealed class SqliteWalCopyTests
{
    [Fact]
    public async Task A_copy_of_the_files_taken_mid_stream_opens_with_every_acknowledged_event()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        var acknowledged = new List<EventOutcome>();
        for (var round = 0; round < 5; round++)
        {
            acknowledged.AddRange(await Task.WhenAll(Enumerable.Range(round * 20, 20).Select(i => db.Conversations.ContactSendAsync(db.Inbound(Contact(i), "Hello?")))));
        }

        var inFlight = Enumerable.Range(100, 100).Select(i => db.Conversations.ContactSendAsync(db.Inbound(Contact(i), "Hello?"))).ToList();
        await using var copy = await db.CopySqliteAsync(CopyWhileWritingAsync);
        await Task.WhenAll(inFlight);

        Assert.False(File.Exists(copy.Options.ConnectionString["Data Source=".Length..] + "-shm"));
        await Wholeness.AssertAcknowledgedArePresentAsync(copy, acknowledged);
        await Wholeness.AssertFirstContactEventsAreWholeAsync(copy);
        var inbound = await copy.CountAsync("messages", "direction = 0");
        Assert.InRange(inbound, 100, 200);
    }

    /// <summary>
    /// Copies the main file, then the write-ahead log, byte for byte, while writes go on. An open read transaction keeps the
    /// log from being restarted during the copy, so the pair is what the disk held at one instant (as after a power cut);
    /// the shared-memory index is left behind, as a power cut would lose it.
    /// </summary>
    private static async Task CopyWhileWritingAsync(string source, string target)
    {
        await using var reader = new SqliteConnection($"Data Source={source};Pooling=False");
        await reader.OpenAsync();
        await using (var read = reader.CreateCommand())
        {
            read.CommandText = "BEGIN DEFERRED; SELECT COUNT(*) FROM messages;";
            await read.ExecuteScalarAsync();
        }

        await CopyAsync(source, target);
        await CopyAsync(source + "-wal", target + "-wal");
    }

    private static async Task CopyAsync(string source, string target)
    {
        await using var from = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        await using var to = new FileStream(target, FileMode.CreateNew, FileAccess.Write);
        await from.CopyToAsync(to);
    }

    private static string Contact(int i) => $"+1201555{i:0000}";
}
