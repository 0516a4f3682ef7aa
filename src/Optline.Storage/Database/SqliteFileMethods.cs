using System.Runtime.InteropServices;

namespace Optline.Storage.Database;

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
