using System.Runtime.InteropServices;

namespace Optline.Storage.Database;

/// <summary>
/// The few SQLite functions <see cref="SqliteDirect"/> calls on every run, on raw handles, from the same native
/// library SQLitePCL loads (its e_sqlite3 bundle).
/// </summary>
internal static partial class SqliteNative
{
    /// <summary>The native library SQLitePCL loads; every direct call into SQLite goes to it.</summary>
    internal const string Library = "e_sqlite3";

    /// <summary><c>SQLITE_OK</c>.</summary>
    internal const int Ok = 0;

    /// <summary>SQLite copies the value before the call returns (<c>SQLITE_TRANSIENT</c>).</summary>
    private static readonly IntPtr Transient = new(-1);

    public static int BindText(IntPtr statement, int index, string text) =>
        sqlite3_bind_text16(statement, index, text, text.Length * sizeof(char), Transient);

    /// <summary>An empty array is an empty blob, not NULL, as Microsoft.Data.Sqlite binds it.</summary>
    public static int BindBlob(IntPtr statement, int index, byte[] bytes) =>
        bytes.Length == 0 ? sqlite3_bind_zeroblob(statement, index, 0) : sqlite3_bind_blob(statement, index, bytes, bytes.Length, Transient);

    [LibraryImport(Library)]
    public static partial int sqlite3_step(IntPtr statement);

    [LibraryImport(Library)]
    public static partial int sqlite3_reset(IntPtr statement);

    [LibraryImport(Library)]
    public static partial int sqlite3_changes(IntPtr database);

    [LibraryImport(Library)]
    public static partial int sqlite3_bind_null(IntPtr statement, int index);

    [LibraryImport(Library)]
    public static partial int sqlite3_bind_int64(IntPtr statement, int index, long value);

    [LibraryImport(Library)]
    public static partial int sqlite3_bind_double(IntPtr statement, int index, double value);

    [LibraryImport(Library)]
    private static partial int sqlite3_bind_zeroblob(IntPtr statement, int index, int length);

    [LibraryImport(Library)]
    private static partial int sqlite3_bind_blob(IntPtr statement, int index, byte[] value, int length, IntPtr destructor);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf16)]
    private static partial int sqlite3_bind_text16(IntPtr statement, int index, string value, int bytes, IntPtr destructor);
}
