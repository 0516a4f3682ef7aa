namespace Optline.Faults.Tests.Support;

/// <summary>A test that needs PostgreSQL 15: skipped locally when it is not installed, never in CI (there it fails loudly).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (!PostgresCluster.IsInstalled && !PostgresCluster.IsRequired)
        {
            Skip = PostgresCluster.UnavailableReason;
        }
    }
}
