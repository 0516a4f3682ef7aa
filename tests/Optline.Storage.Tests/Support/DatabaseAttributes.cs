using System.Reflection;
using Xunit.Sdk;

namespace Optline.Storage.Tests.Support;

/// <summary>
/// Runs a theory once per database: <c>sqlite</c>, and <c>postgres</c> when PostgreSQL is available.
/// Without PostgreSQL the PostgreSQL rows are left out locally; in CI they stay and fail loudly.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class AllDatabasesAttribute : DataAttribute
{
    public override IEnumerable<object[]> GetData(MethodInfo testMethod)
    {
        yield return [TestDatabase.Sqlite];
        if (PostgresServer.IsAvailable || PostgresServer.IsRequired)
        {
            yield return [TestDatabase.Postgres];
        }
    }
}

/// <summary>A test that only means something on PostgreSQL (several nodes on one database); skipped locally without it, never in CI.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (!PostgresServer.IsAvailable && !PostgresServer.IsRequired)
        {
            Skip = PostgresServer.UnavailableReason;
        }
    }
}
