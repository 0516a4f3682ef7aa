using Optline.Storage.Conversations;
using Optline.Storage.Tests.Support;

namespace Optline.Storage.Tests.Database;

/// <summary>Stopping in the middle of traffic loses no acknowledged event and leaves none half-written; the outbox resumes.</summary>
public sealed class RestartSafetyTests
{
    [Theory, AllDatabases]
    public async Task Closing_the_database_mid_burst_keeps_every_acknowledged_write_whole_and_the_outbox_resumes(string provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var node = db.Node;
        var writes = Enumerable.Range(0, 150).Select(i => Start(() => node.Conversations.ContactSendAsync(db.Inbound(Contact(i), "Hello?")))).ToList();

        var closing = node.DisposeAsync();
        writes.AddRange(Enumerable.Range(150, 50).Select(i => Start(() => node.Conversations.ContactSendAsync(db.Inbound(Contact(i), "Hello?")))));
        await closing;
        var acknowledged = await AcknowledgedAsync(writes);

        db.Reopen();
        await Wholeness.AssertAcknowledgedArePresentAsync(db, acknowledged);
        await Wholeness.AssertFirstContactEventsAreWholeAsync(db);
        db.Time.Advance(TimeSpan.FromHours(1));
        var outbox = await db.CountAsync("outbox");
        Assert.Equal(outbox, (await db.Outbox.ClaimDueAsync(1000)).Count);
        Assert.True(acknowledged.Count >= 150, $"{acknowledged.Count} acknowledged");
        var after = await db.Conversations.ContactSendAsync(db.Inbound(Contact(999), "Hello again"));
        Assert.False(after.Duplicate);
        await AuditRows.AssertChainIntactAsync(db);
    }

    [PostgresFact]
    public async Task Connections_killed_mid_burst_leave_every_event_whole_and_every_acknowledged_one_present()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Postgres);
        var server = await PostgresServer.GetAsync();
        var node = db.Node;
        var first = await node.Conversations.ContactSendAsync(db.Inbound(Contact(0), "Hello?"));
        var writes = Enumerable.Range(1, 300).Select(i => Start(() => node.Conversations.ContactSendAsync(db.Inbound(Contact(i), "Hello?")))).ToList();

        await Task.WhenAny(writes.Skip(1));
        await server.ExecuteAsync(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
            new Npgsql.NpgsqlConnectionStringBuilder(db.Options.ConnectionString).Database);
        var acknowledged = await AcknowledgedAsync(writes);

        db.Reopen();
        await Wholeness.AssertAcknowledgedArePresentAsync(db, [first, .. acknowledged]);
        await Wholeness.AssertFirstContactEventsAreWholeAsync(db);
        db.Time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(await db.CountAsync("outbox"), (await db.Outbox.ClaimDueAsync(1000)).Count);
    }

    /// <summary>Starts a write; one refused outright (the writer already closed) is a failed task like any other.</summary>
    private static Task<EventOutcome> Start(Func<Task<EventOutcome>> write)
    {
        try
        {
            return write();
        }
        catch (ObjectDisposedException ex)
        {
            return Task.FromException<EventOutcome>(ex);
        }
    }

    private static async Task<IReadOnlyList<EventOutcome>> AcknowledgedAsync(IEnumerable<Task<EventOutcome>> writes)
    {
        var acknowledged = new List<EventOutcome>();
        foreach (var write in writes)
        {
            try
            {
                acknowledged.Add(await write);
            }
            catch (Exception ex) when (ex is ObjectDisposedException or Optline.Storage.Database.StorageUnavailableException or System.Data.Common.DbException)
            {
                // Not acknowledged: it may or may not have been committed, but it must be whole either way.
            }
        }

        return acknowledged;
    }

    private static string Contact(int i) => $"+1201555{i:0000}";
}
