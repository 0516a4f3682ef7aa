using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace Optline.Storage.Database;

/// <summary>A connection's files through SQLite's own handles of them (no second descriptor, no path to resolve).</summary>
internal static unsafe partial class SqliteFiles
{
    /// <summary><c>SQLITE_FCNTL_FILE_POINTER</c>: the database file.</summary>
    public const int Database = 7;

    /// <summary><c>SQLITE_FCNTL_JOURNAL_POINTER</c>: the journal, the write-ahead log in WAL mode.</summary>
    public const int Journal = 28;

    /// <summary>The main database's file of that kind; SQLite's result code, and a null file when it is not open.</summary>
    public static int Find(SqliteConnection connection, int which, out SqliteFile* file)
    {
        var database = connection.Handle?.DangerousGetHandle() ?? throw new InvalidOperationException("The connection is not open.");
        SqliteFile* found = null;
        int result;
        fixed (byte* main = "main"u8)
        {
            result = sqlite3_file_control(database, main, which, &found);
        }

        file = found;
        return result;
    }

    [LibraryImport(SqliteNative.Library)]
    private static partial int sqlite3_file_control(IntPtr database, byte* name, int operation, void* argument);
}

/// <summary>SQLite's <c>sqlite3_file</c>: the methods of the file, then the VFS's own state.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct SqliteFile
{
    public SqliteIoMethods* Methods;
}

/// <summary>
/// SQLite's <c>sqlite3_io_methods</c>, version 1 typed (<see cref="WalWriteBuffer"/> fills one for its logs, which need
/// neither shared memory nor memory mapping; <see cref="DatabaseFileSync"/> calls a file's sync through one).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct SqliteIoMethods
{
    public int Version;
    public delegate* unmanaged[Cdecl]<SqliteFile*, int> Close;
    public delegate* unmanaged[Cdecl]<SqliteFile*, byte*, int, long, int> Read;
    public delegate* unmanaged[Cdecl]<SqliteFile*, byte*, int, long, int> Write;
    public delegate* unmanaged[Cdecl]<SqliteFile*, long, int> Truncate;
    public delegate* unmanaged[Cdecl]<SqliteFile*, int, int> Sync;
    public delegate* unmanaged[Cdecl]<SqliteFile*, long*, int> FileSize;
    public delegate* unmanaged[Cdecl]<SqliteFile*, int, int> Lock;
    public delegate* unmanaged[Cdecl]<SqliteFile*, int, int> Unlock;
    public delegate* unmanaged[Cdecl]<SqliteFile*, int*, int> CheckReservedLock;
    public delegate* unmanaged[Cdecl]<SqliteFile*, int, void*, int> FileControl;
    public delegate* unmanaged[Cdecl]<SqliteFile*, int> SectorSize;
    public delegate* unmanaged[Cdecl]<SqliteFile*, int> DeviceCharacteristics;
    public IntPtr ShmMap, ShmLock, ShmBarrier, ShmUnmap, Fetch, Unfetch;
}
