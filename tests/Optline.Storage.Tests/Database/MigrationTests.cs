using Optline.Storage.Tests.Support;

namespace Optline.Storage.Tests.Database;

public sealed class MigrationTests
{
    private static readonly string[] Tables =
    [
        "organizations", "settings", "settings_versions", "lines", "api_keys", "conversations", "messages", "outbox",
        "sender_slots", "processed_inbound", "organization_opt_outs", "reviews", "audit_records", "audit_heads",
    ];

    [Theory, AllDatabases]
    public async Task Migrations_create_every_table_on_an_empty_database(string provider)
    {
        await using var db = await TestDatabase.CreateEmptyAsync(provider);

        var applied = await db.Database.MigrateAsync();

        Assert.Equal("001_initial.sql", applied[0]);
        Assert.Equal(applied.Order(StringComparer.Ordinal), applied);
        Assert.Equal(applied.Count, await db.CountAsync("schema_migrations"));
        foreach (var table in Tables)
        {
            Assert.Equal(0, await db.CountAsync(table));
        }
    }

    [Theory, AllDatabases]
    public async Task Migrating_again_applies_nothing_and_keeps_the_data(string provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await db.Conversations.LineSendAsync(db.Line, "+12015550123", Core.Consent.Channel.Sms, "Hello", "test");
        var messages = await db.CountAsync("messages");
        var migrations = await db.CountAsync("schema_migrations");

        var again = await db.Database.MigrateAsync();
        var fromAnotherNode = await db.OpenNode().Database.MigrateAsync();

        Assert.Empty(again);
        Assert.Empty(fromAnotherNode);
        Assert.Equal(migrations, await db.CountAsync("schema_migrations"));
        Assert.Equal(messages, await db.CountAsync("messages"));
    }
}
