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

        var applied = new List<string>();
        foreach (var (name, sql) in Scripts())
        {
            if (await IsAppliedAsync(connection, name, cancellationToken))
            {
                continue;
            }

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

    private static async Task<bool> IsAppliedAsync(DbConnection connection, string name, CancellationToken cancellationToken)
    {
        await using var command = connection.Command("SELECT COUNT(*) FROM schema_migrations WHERE name = @name").With("@name", name);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    private static IEnumerable<(string Name, string Sql)> Scripts()
    {
        var assembly = Assembly.GetExecutingAssembly();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.EndsWith(".sql", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            var name = resource[(resource.IndexOf("Migrations.", StringComparison.Ordinal) + "Migrations.".Length)..];
            yield return (name, reader.ReadToEnd());
        }
    }
}
