using Npgsql;
using Optline.Core.Consent;
using Optline.Storage.Tests.Support;

namespace Optline.Storage.Tests.Database;

public sealed class ConnectionLifetimeTests
{
    [PostgresFact]
    public async Task Closing_a_database_closes_all_of_its_server_connections()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Postgres);
        await db.Node.DisposeAsync();
        var node = db.Reopen();
        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => node.Conversations.LineSendAsync(db.Line, $"+1201555{i:0000}", Channel.Sms, "Hello", "test")));
        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => node.Queries.FindAsync(db.Line.Id, $"+1201555{i:0000}", Channel.Sms)));
        var open = await ServerConnectionsAsync(db);

        await node.DisposeAsync();

        Assert.True(open > 1, $"{open} connections while open");
        Assert.Equal(0, await ServerConnectionsOnceClosedAsync(db));
    }

    /// <summary>A closed connection's server process exits a moment after the client hangs up: poll until it has (bounded).</summary>
    private static async Task<long> ServerConnectionsOnceClosedAsync(TestDatabase db)
    {
        long count = 0;
        for (var poll = 0; poll < 400; poll++)
        {
            count = await ServerConnectionsAsync(db);
            if (count == 0)
            {
                break;
            }

            await Task.Delay(25);
        }

        return count;
    }

    private static async Task<long> ServerConnectionsAsync(TestDatabase db)
    {
        var server = await PostgresServer.GetAsync();
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server.AdminConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = @db", connection);
        command.Parameters.AddWithValue("db", new NpgsqlConnectionStringBuilder(db.Options.ConnectionString).Database!);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
