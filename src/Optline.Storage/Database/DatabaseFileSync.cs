using Microsoft.Data.Sqlite;

namespace Optline.Storage.Database;

/// <summary>
/// Syncs a connection's database file through SQLite's own handle of it (no second descriptor: closing one would drop
/// the process's POSIX locks on the file). A passive checkpoint that cannot copy the whole log, because the writer added
/// to it meanwhile, writes its pages into the database file but leaves them unsynced: SQLite syncs the file only at the
/// checkpoint that copies everything, before the log may start over. Beside a busy writer that checkpoint is the
/// writer's own catch-up, which then waited for every page the checkpoints before it had copied: 40–70 ms a time.
/// </summary>
internal static unsafe class DatabaseFileSync
{
    private const int SqliteOk = SqliteNative.Ok;
    private const int SyncNormal = 2;

    public static void Sync(SqliteConnection connection)
    {
        Check(SqliteFiles.Find(connection, SqliteFiles.Database, out var file), "find the database file");
        if (file is not null && file->Methods is not null)
        {
            Check(file->Methods->Sync(file, SyncNormal), "sync the database file");
        }
    }

    private static void Check(int result, string what)
    {
        if (result != SqliteOk)
        {
            throw new IOException($"SQLite could not {what} (error {result}).");
        }
    }
}
