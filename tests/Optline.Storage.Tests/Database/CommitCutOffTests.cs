using System.Net;
using Npgsql;
using Optline.Core.Consent;
using Optline.Storage.Database;
using Optline.Storage.Tests.Support;

namespace Optline.Storage.Tests.Database;

/// <summary>
/// PostgreSQL's connection breaks while a commit is on its way (the server stopped, the network failed). Whatever the
/// caller is told must be true: acknowledged only if the event is stored, refused only if it is not, since a client
/// refused sends its message again.
/// </summary>
public sealed class CommitCutOffTests
{
    private const string Bob = "+12015550123";

    [PostgresFact]
    public async Task A_line_message_committed_whose_answer_was_lost_is_acknowledged_and_stored_once()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Postgres);
        await using var proxy = ProxyFor(db);
        await using var node = new StorageNode(ThroughProxy(db, proxy), db.Time, db.OutboxOptions);
        proxy.Arm(CommitCut.BeforeTheAnswer);

        var outcome = await node.Conversations.LineSendAsync(db.Line, Bob, Channel.Sms, "Your statement is ready", "line");

        Assert.True(proxy.Cut.IsCompleted, "the commit's answer was cut off");
        Assert.Equal("held", outcome.Status);
        Assert.Equal(1, await db.CountAsync("messages", "body = @body", ("@body", "Your statement is ready")));
        Assert.Equal(1, await db.CountAsync("messages", "id = @id", ("@id", outcome.MessageId!.Value)));
    }

    [PostgresFact]
    public async Task A_line_message_whose_commit_never_reached_the_database_is_refused_and_nothing_is_stored()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Postgres);
        await using var proxy = ProxyFor(db);
        await using var node = new StorageNode(ThroughProxy(db, proxy), db.Time, db.OutboxOptions);
        proxy.Arm(CommitCut.BeforeTheServer);

        await Assert.ThrowsAsync<StorageUnavailableException>(() =>
            node.Conversations.LineSendAsync(db.Line, Bob, Channel.Sms, "Your statement is ready", "line"));

        Assert.True(proxy.Cut.IsCompleted, "the commit was cut off");
        Assert.Equal(0, await db.CountAsync("messages"));
        Assert.Equal(0, await db.CountAsync("conversations"));

        // The client sends it again: stored once, and the contact asked for consent once.
        var again = await node.Conversations.LineSendAsync(db.Line, Bob, Channel.Sms, "Your statement is ready", "line");
        Assert.Equal("held", again.Status);
        Assert.Equal(1, await db.CountAsync("messages", "body = @body", ("@body", "Your statement is ready")));
        Assert.Equal(1, await db.CountAsync("outbox"));
    }

    [PostgresFact]
    public async Task A_write_without_reads_ahead_committed_whose_answer_was_lost_is_acknowledged()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Postgres);
        await using var proxy = ProxyFor(db);
        await using var node = new StorageNode(ThroughProxy(db, proxy), db.Time, db.OutboxOptions);
        proxy.Arm(CommitCut.BeforeTheAnswer);

        var id = await node.Organizations.CreateOrganizationAsync("Birch Wealth", null);

        Assert.True(proxy.Cut.IsCompleted, "the commit's answer was cut off");
        Assert.Equal(1, await db.CountAsync("organizations", "id = @id AND name = 'Birch Wealth'", ("@id", id)));
    }

    /// <summary>
    /// After a crash PostgreSQL gives ids again from where its disk left off, so the id of a transaction whose commit
    /// was lost in the crash may belong to a new, committed transaction by the time Optline asks: the id's status
    /// must not be taken for the batch's.
    /// </summary>
    [PostgresFact]
    public async Task A_commit_lost_in_a_crash_is_refused_even_when_its_transaction_id_was_given_to_a_committed_one()
    {
        // No background writer or autovacuum flushes the held transaction's log before the crash.
        await using var cluster = await PostgresServer.StartPrivateAsync("wal_writer_delay=10000ms", "autovacuum=off");
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Postgres, on: cluster);
        await using var proxy = ProxyFor(db);
        await using var node = new StorageNode(ThroughProxy(db, proxy), db.Time, db.OutboxOptions);
        proxy.Arm(CommitCut.HeldUntilReleased);

        var sending = node.Conversations.LineSendAsync(db.Line, Bob, Channel.Sms, "Your statement is ready", "line");
        await proxy.Held;
        var held = await ScalarAsync(cluster, "SELECT backend_xid::text::bigint FROM pg_stat_activity WHERE state = 'idle in transaction' AND backend_xid IS NOT NULL");
        await cluster.StopImmediatelyAsync();
        await cluster.StartAgainAsync();
        long given;
        do
        {
            given = await ScalarAsync(cluster, "SELECT txid_current()");
        }
        while (given < held);

        proxy.Release();

        await Assert.ThrowsAsync<StorageUnavailableException>(() => sending);
        Assert.Equal(held, given);
        Assert.Equal(0, await db.CountAsync("messages"));
        Assert.Equal(0, await db.CountAsync("conversations"));
    }

    [PostgresFact]
    public async Task Commit_markers_are_deleted_once_no_one_can_ask_about_them()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Postgres);
        await db.Conversations.LineSendAsync(db.Line, Bob, Channel.Sms, "Your statement is ready", "line");
        Assert.True(await db.CountAsync("commit_markers") >= 1);

        db.Time.Advance(TimeSpan.FromMinutes(11));

        for (var poll = 0; poll < 400 && await db.CountAsync("commit_markers") > 0; poll++)
        {
            await Task.Delay(25);
        }

        Assert.Equal(0, await db.CountAsync("commit_markers"));
        Assert.Equal(1, await db.CountAsync("messages", "body = @body", ("@body", "Your statement is ready")));
    }

    [Fact]
    public async Task Sqlite_writes_no_commit_markers()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Sqlite);

        await db.Conversations.LineSendAsync(db.Line, Bob, Channel.Sms, "Your statement is ready", "line");

        Assert.Equal(0, await db.CountAsync("commit_markers"));
    }

    private static async Task<long> ScalarAsync(PostgresServer server, string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server.AdminConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static CommitCuttingProxy ProxyFor(TestDatabase db)
    {
        var server = new NpgsqlConnectionStringBuilder(db.Options.ConnectionString);
        return new CommitCuttingProxy(new IPEndPoint(Dns.GetHostAddresses(server.Host!)[0], server.Port));
    }

    private static DatabaseOptions ThroughProxy(TestDatabase db, CommitCuttingProxy proxy) => new()
    {
        Provider = TestDatabase.Postgres,
        ConnectionString = new NpgsqlConnectionStringBuilder(db.Options.ConnectionString) { Host = "127.0.0.1", Port = proxy.Port }.ConnectionString,
    };
}
