namespace Optline.Storage.Database;

/// <summary><c>Optline__Database__*</c>: which database, and where.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Optline:Database";

    /// <summary><c>sqlite</c> (default) or <c>postgres</c>.</summary>
    public string Provider { get; set; } = "sqlite";

    public string ConnectionString { get; set; } = "Data Source=data/optline.db";

    public bool IsPostgres => string.Equals(Provider, "postgres", StringComparison.OrdinalIgnoreCase)
        || string.Equals(Provider, "postgresql", StringComparison.OrdinalIgnoreCase);

    public string? Validate()
    {
        if (!IsPostgres && !string.Equals(Provider, "sqlite", StringComparison.OrdinalIgnoreCase))
        {
            return $"Optline__Database__Provider must be 'sqlite' or 'postgres', not '{Provider}'.";
        }

        return string.IsNullOrWhiteSpace(ConnectionString) ? "Optline__Database__ConnectionString is empty." : null;
    }
}
