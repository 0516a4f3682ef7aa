using System.Data.Common;
using System.Reflection;

namespace Optline.Storage.Database;

/// <summary>Applies the embedded schema migrations in order, each once, recorded in <c>schema_migrations</c>.</summary>
public sealed class Migrator(Dialect dialect)
{
    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = dialect.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await dialect.PrepareAsync(connection, cancellationToken);
        await using (var create = connection.Command("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)"))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        if (dialect.IsPostgres)
        {
            // Two nodes starting at once must not both migrate.
            await using var lockCommand = connection.Command("SELECT pg_advisory_lock(7265001)");
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        // One query when the database is current, which is every start but the first after an upgrade.
        var done = await AppliedAsync(connection, cancellationToken);
        var applied = new List<string>();
        foreach (var (name, sql) in Scripts(done))
        {

            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using (var migrate = connection.Command(dialect.SchemaSql(sql), transaction))
            {
                await migrate.ExecuteNonQueryAsync(cancellationToken);
            }

            await using (var record = connection.Command("INSERT INTO schema_migrations (name, applied_at) VALUES (@name, 0)", transaction).With("@name", name))
            {
                await record.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            applied.Add(name);
        }

        if (dialect.IsPostgres)
        {
            await using var unlock = connection.Command("SELECT pg_advisory_unlock(7265001)");
            await unlock.ExecuteNonQueryAsync(cancellationToken);
        }

        return applied;
    }

    private static async Task<HashSet<string>> AppliedAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.Command("SELECT name FROM schema_migrations");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var names = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    /// <summary>The embedded scripts not yet applied, in name order; an applied script's text is not even read.</summary>
    private static IEnumerable<(string Name, string Sql)> Scripts(HashSet<string> applied)
    {
        var assembly = Assembly.GetExecutingAssembly();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.EndsWith(".sql", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var name = resource[(resource.IndexOf("Migrations.", StringComparison.Ordinal) + "Migrations.".Length)..];
            if (applied.Contains(name))
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            yield return (name, reader.ReadToEnd());
        }
    }
}
