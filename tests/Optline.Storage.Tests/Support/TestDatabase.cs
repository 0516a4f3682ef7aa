using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using Optline.Core.Consent;
using Optline.Storage.Conversations;
using Optline.Storage.Database;
using Optline.Storage.Organizations;
using Optline.Storage.Outbox;

namespace Optline.Storage.Tests.Support;

/// <summary>
/// A database owned by one test: a fresh SQLite file in a temporary directory, or a fresh PostgreSQL database
/// (<c>CREATE DATABASE t_&lt;guid&gt;</c>), migrated, with an organization and a line, and a fake clock.
/// </summary>
internal sealed class TestDatabase : IAsyncDisposable
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";
    public const string AliceNumber = "+12015550100";
    public const string AliceName = "Alice Martin";

    public static readonly DateTimeOffset Start = new(2025, 6, 2, 9, 0, 0, TimeSpan.Zero);

    private readonly List<StorageNode> _nodes = [];
    private readonly Func<Task> _cleanup;

    private TestDatabase(string provider, DatabaseOptions options, OutboxOptions outbox, Func<Task> cleanup)
    {
        Provider = provider;
        Options = options;
        OutboxOptions = outbox;
        _cleanup = cleanup;
        Node = OpenNode();
    }

    public string Provider { get; }

    public bool IsPostgres => Provider == Postgres;

    public DatabaseOptions Options { get; }

    public OutboxOptions OutboxOptions { get; }

    public FakeTimeProvider Time { get; } = new(Start);

    /// <summary>The node the test talks to unless it opens others.</summary>
    public StorageNode Node { get; private set; }

    public OptlineDatabase Database => Node.Database;

    public OrganizationStore Organizations => Node.Organizations;

    public ConversationService Conversations => Node.Conversations;

    public ConversationQueries Queries => Node.Queries;

    public OutboxStore Outbox => Node.Outbox;

    public long OrganizationId { get; private set; }

    public Line Line { get; private set; } = null!;

    /// <summary>A migrated database with the organization "Acme Advisers" and Alice's line (PostgreSQL: on the shared server unless <c>on</c> another).</summary>
    public static async Task<TestDatabase> CreateAsync(string provider, OutboxOptions? outbox = null, int? writers = null, PostgresServer? on = null)
    {
        var database = await CreateEmptyAsync(provider, outbox, writers, on);
        await database.Database.MigrateAsync();
        database.OrganizationId = await database.Organizations.CreateOrganizationAsync("Acme Advisers", null);
        database.Line = await database.AddLineAsync(AliceNumber, AliceName);
        return database;
    }

    /// <summary>A database with no tables at all.</summary>
    public static async Task<TestDatabase> CreateEmptyAsync(string provider, OutboxOptions? outbox = null, int? writers = null, PostgresServer? on = null)
    {
        outbox ??= new OutboxOptions();
        if (provider == Sqlite)
        {
            var directory = Directory.CreateTempSubdirectory("optline-storage-");
            var options = new DatabaseOptions { Provider = Sqlite, ConnectionString = $"Data Source={Path.Combine(directory.FullName, "optline.db")}", Writers = writers };
            return new TestDatabase(provider, options, outbox, () =>
            {
                directory.Delete(recursive: true);
                return Task.CompletedTask;
            });
        }

        var server = on ?? await PostgresServer.GetAsync();
        var name = "t_" + Guid.NewGuid().ToString("N");
        var connectionString = await server.CreateDatabaseAsync(name);
        return new TestDatabase(provider, new DatabaseOptions { Provider = Postgres, ConnectionString = connectionString, Writers = writers }, outbox,
            () => server.DropDatabaseAsync(name));
    }

    /// <summary>Another Optline instance on the same data: its own database object, writer and stores.</summary>
    public StorageNode OpenNode()
    {
        var node = new StorageNode(Options, Time, OutboxOptions);
        _nodes.Add(node);
        return node;
    }

    /// <summary>
    /// A second SQLite database made by <paramref name="copy"/> from this one's files (source path, target path),
    /// for the same organization and line: what a disk would hold after the power was cut at that moment.
    /// </summary>
    public async Task<TestDatabase> CopySqliteAsync(Func<string, string, Task> copy)
    {
        var source = new SqliteConnectionStringBuilder(Options.ConnectionString).DataSource;
        var directory = Directory.CreateTempSubdirectory("optline-storage-copy-");
        var target = Path.Combine(directory.FullName, "optline.db");
        await copy(source, target);
        var options = new DatabaseOptions { Provider = Sqlite, ConnectionString = $"Data Source={target}" };
        return new TestDatabase(Sqlite, options, OutboxOptions, () =>
        {
            directory.Delete(recursive: true);
            return Task.CompletedTask;
        })
        {
            OrganizationId = OrganizationId,
            Line = Line,
        };
    }

    /// <summary>Replaces the test's node with a fresh one on the same data, as a restarted process would.</summary>
    public StorageNode Reopen() => Node = OpenNode();

    public async Task<Line> AddLineAsync(string number, string displayName) =>
        (await Organizations.CreateLineAsync(OrganizationId, number, displayName))?.Line
        ?? throw new InvalidOperationException($"The line {number} already exists.");

    public InboundMessage Inbound(string contact, string body, string? providerMessageId = null, Line? line = null, Channel channel = Channel.Sms) =>
        new("simulator", providerMessageId ?? "SM" + Guid.NewGuid().ToString("N"), channel, line ?? Line, contact, body);

    /// <summary>The seed's line-initiated flow up to consent: a line message (held, request sent), then YES.</summary>
    public async Task OptInAsync(string contact, Line? line = null, Channel channel = Channel.Sms)
    {
        await Conversations.LineSendAsync(line ?? Line, contact, channel, "Hello from the office", "test");
        await Conversations.ContactSendAsync(Inbound(contact, "YES", line: line, channel: channel));
    }

    public async Task<ConversationRow> ConversationAsync(string contact, Line? line = null, Channel channel = Channel.Sms) =>
        await Queries.FindAsync((line ?? Line).Id, contact, channel) ?? throw new InvalidOperationException($"No conversation with {contact}.");

    public async Task<IReadOnlyList<TimelineItem>> TimelineAsync(string contact, Line? line = null, Channel channel = Channel.Sms) =>
        await Queries.TimelineAsync((await ConversationAsync(contact, line, channel)).Id, 0, 1000);

    public Task<long> CountAsync(string table, string where = "1 = 1", params (string Name, object? Value)[] parameters) =>
        ScalarAsync($"SELECT COUNT(*) FROM {table} WHERE {where}", parameters);

    public Task<long> ScalarAsync(string sql, params (string Name, object? Value)[] parameters) =>
        Database.ReadAsync(async connection =>
        {
            await using var command = Command(connection, sql, parameters);
            return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        });

    public Task<IReadOnlyList<T>> RowsAsync<T>(string sql, Func<DbDataReader, T> read, params (string Name, object? Value)[] parameters) =>
        Database.ReadAsync<IReadOnlyList<T>>(async connection =>
        {
            await using var command = Command(connection, sql, parameters);
            await using var reader = await command.ExecuteReaderAsync();
            var rows = new List<T>();
            while (await reader.ReadAsync())
            {
                rows.Add(read(reader));
            }

            return rows;
        });

    /// <summary>Runs a statement outside the product's code paths (to set up a state the test needs).</summary>
    public Task<int> ExecuteAsync(string sql, params (string Name, object? Value)[] parameters) =>
        Database.WriteAsync(async (context, ct) =>
        {
            await using var command = Command(context.Connection, sql, parameters);
            command.Transaction = context.Transaction;
            return await command.ExecuteNonQueryAsync(ct);
        });

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        await _cleanup();
    }

    private static DbCommand Command(DbConnection connection, string sql, (string Name, object? Value)[] parameters)
    {
        var command = connection.Command(sql);
        foreach (var (name, value) in parameters)
        {
            command.With(name, value);
        }

        return command;
    }
}
