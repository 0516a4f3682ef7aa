namespace Optline.Storage.Database;

/// <summary><c>Optline__Database__*</c>: which database, and where.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Optline:Database";

    /// <summary><c>sqlite</c> (default) or <c>postgres</c>.</summary>
    public string Provider { get; set; } = "sqlite";

    public string ConnectionString { get; set; } = "Data Source=data/optline.db";

    /// <summary>
    /// Group-commit writers per node (<c>Optline__Database__Writers</c>), one by default. SQLite allows only one; on
    /// PostgreSQL each has its own connection, and the events of one conversation always go to the same one.
    /// </summary>
    public int? Writers { get; set; }

    public bool IsPostgres => string.Equals(Provider, "postgres", StringComparison.OrdinalIgnoreCase)
        || string.Equals(Provider, "postgresql", StringComparison.OrdinalIgnoreCase);

    public string? Validate()
    {
        if (!IsPostgres && !string.Equals(Provider, "sqlite", StringComparison.OrdinalIgnoreCase))
        {
            return $"Optline__Database__Provider must be 'sqlite' or 'postgres', not '{Provider}'.";
        }

        if (Writers is < 1 or > 64 || (Writers > 1 && !IsPostgres))
        {
            return "Optline__Database__Writers must be between 1 and 64, and 1 on SQLite.";
        }

        return string.IsNullOrWhiteSpace(ConnectionString) ? "Optline__Database__ConnectionString is empty." : null;
    }
}
