using Microsoft.Extensions.Logging.Abstractions;
using Optline.Storage.Conversations;
using Optline.Storage.Database;
using Optline.Storage.Organizations;
using Optline.Storage.Outbox;

namespace Optline.Storage.Tests.Support;

/// <summary>One Optline instance's storage: its own database object (so its own group-commit writer) and the stores on it.</summary>
internal sealed class StorageNode : IAsyncDisposable
{
    public StorageNode(DatabaseOptions options, TimeProvider time, OutboxOptions outbox)
    {
        Database = new OptlineDatabase(options, time, NullLoggerFactory.Instance);
        Organizations = new OrganizationStore(Database);
        Conversations = new ConversationService(Database, Organizations, outbox);
        Queries = new ConversationQueries(Database);
        Outbox = new OutboxStore(Database, Organizations, outbox);
    }

    public OptlineDatabase Database { get; }

    public OrganizationStore Organizations { get; }

    public ConversationService Conversations { get; }

    public ConversationQueries Queries { get; }

    public OutboxStore Outbox { get; }

    public ValueTask DisposeAsync() => Database.DisposeAsync();
}
