using System.Runtime.CompilerServices;
using Optline.Storage.Database;

namespace Optline.Storage.Tests.Support;

internal static class SqliteFirstUse
{
    /// <summary>As in the server, SQLite is first touched through <see cref="SqliteDialect"/>, before any connection opens.</summary>
    [ModuleInitializer]
    internal static void ThroughTheDialect() => RuntimeHelpers.RunClassConstructor(typeof(SqliteDialect).TypeHandle);
}
