using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace Optline.Storage.Database;

/// <summary>
/// Gathers the writer's log writes into a few writes per commit. SQLite writes each page of a commit to the log with two
/// system calls (the frame's header, then the page), ≈ 250 a commit at saturation, and on this kind of virtual machine a
/// system call costs more than the bytes it copies: the writer spent a third of its time in them.
/// <para>
/// A VFS of SQLite's (registered as the default, around the platform's own) hands every file straight to the
/// platform's, except the log of a connection opened while its thread asked for buffering (<see cref="BufferOnThisThread"/>):
/// the writer's, and only its (a connection of the pool opened on the writer's thread would take a buffered log into other
/// threads' hands). That file's writes wait in memory while they follow each other, and reach the file, in order, before
/// anything else is done with it: a read, a size, a truncation, a sync. Durability is unchanged because the writer
/// commits with <c>synchronous=FULL</c>: SQLite asks for a sync of the log at the end of every commit, and the sync
/// writes what waits first; the fsync itself runs beside the writer (<see cref="BufferedLog.DeferSyncs"/>), before the
/// commit's events are acknowledged. The writer also never spills pages to the log before its commit
/// (<c>cache_spill=OFF</c>), so no write waits here once its transaction has ended.
/// </para>
/// </summary>
internal static unsafe partial class WalWriteBuffer
{
    private const string Library = SqliteNative.Library;
    private const int SqliteOk = SqliteNative.Ok;
    private const int SqliteIoError = 10;
    private const int OpenWal = 0x00080000;
    private const int Capacity = 2 << 20;

    /// <summary>
    /// The most the platform's VFS writes in one call: its Unix write keeps only the low 17 bits of a length
    /// (<c>nBuf &amp;= 0x1ffff</c>), so a longer write must come in pieces; 31 pages of 4 KB.
    /// </summary>
    private const int PlatformWriteLimit = 31 * 4096;

    private static readonly Lock RegisterLock = new();
    private static readonly ConcurrentDictionary<string, BufferedLog> Logs = new(StringComparer.Ordinal);
    private static Vfs* s_platform;
    private static SqliteIoMethods* s_methods;

    /// <summary>
    /// Logs opened on this thread while set are buffered: set only around the opening of the writer's own connection. The
    /// caller commits with <c>synchronous=FULL</c> and <c>cache_spill=OFF</c>.
    /// </summary>
    [ThreadStatic]
    public static bool BufferOnThisThread;

    /// <summary>Puts the VFS in place, once per process; connections opened afterwards use it.</summary>
    public static void Register()
    {
        lock (RegisterLock)
        {
            if (s_platform is not null)
            {
                return;
            }

            var platform = sqlite3_vfs_find(null);
            if (platform is null)
            {
                return;
            }

            var methods = (SqliteIoMethods*)NativeMemory.AllocZeroed((nuint)sizeof(SqliteIoMethods));
            methods->Version = 1;
            methods->Close = &Close;
            methods->Read = &Read;
            methods->Write = &Write;
            methods->Truncate = &Truncate;
            methods->Sync = &Sync;
            methods->FileSize = &FileSize;
            methods->Lock = &Lock;
            methods->Unlock = &Unlock;
            methods->CheckReservedLock = &CheckReservedLock;
            methods->FileControl = &FileControl;
            methods->SectorSize = &SectorSize;
            methods->DeviceCharacteristics = &DeviceCharacteristics;

            var vfs = (Vfs*)NativeMemory.AllocZeroed((nuint)sizeof(Vfs));
            *vfs = *platform;
            vfs->Next = null;
            vfs->Name = (byte*)Marshal.StringToCoTaskMemUTF8("optline");
            vfs->FileSize = sizeof(LogFile) + platform->FileSize;
            vfs->Open = &Open;
            s_platform = platform;
            s_methods = methods;
            if (sqlite3_vfs_register(vfs, 1) != SqliteOk)
            {
                throw new InvalidOperationException("SQLite refused Optline's VFS.");
            }
        }
    }

    /// <summary>For a log path: SQLite's writes to it, and the writes that reached the file, over every buffered connection.</summary>
    public static (long SqliteWrites, long FileWrites) StatsFor(string logPath) =>
        Logs.TryGetValue(Path.GetFullPath(logPath), out var stats) ? (Interlocked.Read(ref stats.SqliteWrites), Interlocked.Read(ref stats.FileWrites)) : (0, 0);

    /// <summary>
    /// The connection's log if it is buffered, found through SQLite's own handle of it (not by its path, which SQLite
    /// spells with symbolic links resolved); null if the log is the platform's file, or not open yet.
    /// </summary>
    public static BufferedLog? BufferedLogOf(SqliteConnection connection)
    {
        return SqliteFiles.Find(connection, SqliteFiles.Journal, out var file) == SqliteOk && file is not null && file->Methods == s_methods
            ? StatsOf((LogFile*)file)
            : null;
    }

    /// <summary>For a log path: syncs its commits left to <see cref="BufferedLog.SyncDeferred"/> so far, and how many of them a sync has covered.</summary>
    public static (long Deferred, long Synced) DeferredSyncsFor(string logPath)
    {
        if (!Logs.TryGetValue(Path.GetFullPath(logPath), out var stats))
        {
            return (0, 0);
        }

        lock (stats.SyncLock)
        {
            return (Volatile.Read(ref stats.DeferredSyncs), stats.SyncedThrough);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Open(Vfs* vfs, byte* name, SqliteFile* file, int flags, int* outFlags)
    {
        if (!BufferOnThisThread || (flags & OpenWal) == 0 || name is null)
        {
            // The platform's file fills the space SQLite gave, with the platform's methods: nothing of this VFS is left in its way.
            return s_platform->Open(s_platform, name, file, flags, outFlags);
        }

        var log = (LogFile*)file;
        var inner = (SqliteFile*)(log + 1);
        *log = default;
        inner->Methods = null;
        var result = s_platform->Open(s_platform, name, inner, flags, outFlags);
        if (result != SqliteOk)
        {
            if (inner->Methods is not null)
            {
                inner->Methods->Close(inner);
            }

            return result;
        }

        BufferedLog stats;
        try
        {
            stats = Logs.GetOrAdd(Path.GetFullPath(Marshal.PtrToStringUTF8((IntPtr)name)!), _ => new BufferedLog());
            log->Stats = GCHandle.ToIntPtr(GCHandle.Alloc(stats));
        }
        catch (Exception)
        {
            inner->Methods->Close(inner);
            return SqliteIoError;
        }

        log->Inner = inner;
        log->Base.Methods = s_methods;
        return SqliteOk;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Write(SqliteFile* file, byte* data, int amount, long offset)
    {
        var log = (LogFile*)file;
        var stats = Count(log, fileWrite: false);
        Volatile.Write(ref stats.End, offset + amount);
        if (log->Length > 0 && offset == log->Start + log->Length && log->Length + amount <= Capacity)
        {
            Buffer.MemoryCopy(data, log->Buffer + log->Length, Capacity - log->Length, amount);
            log->Length += amount;
            return SqliteOk;
        }

        var flushed = Flush(log);
        if (flushed != SqliteOk)
        {
            return flushed;
        }

        if (amount > Capacity)
        {
            return WriteInPieces(log, data, amount, offset);
        }

        if (log->Buffer is null)
        {
            log->Buffer = (byte*)NativeMemory.Alloc(Capacity);
        }

        Buffer.MemoryCopy(data, log->Buffer, Capacity, amount);
        (log->Start, log->Length) = (offset, amount);
        return SqliteOk;
    }

    /// <summary>What waits reaches the file. What could not be written is dropped with the error: SQLite fails the commit.</summary>
    private static int Flush(LogFile* log)
    {
        var length = log->Length;
        log->Length = 0;
        return length == 0 ? SqliteOk : WriteInPieces(log, log->Buffer, length, log->Start);
    }

    private static int WriteInPieces(LogFile* log, byte* data, int length, long offset)
    {
        for (var written = 0; written < length; written += PlatformWriteLimit)
        {
            Count(log, fileWrite: true);
            var result = log->Inner->Methods->Write(log->Inner, data + written, Math.Min(PlatformWriteLimit, length - written), offset + written);
            if (result != SqliteOk)
            {
                return result;
            }
        }

        return SqliteOk;
    }

    private static BufferedLog StatsOf(LogFile* log) => (BufferedLog)GCHandle.FromIntPtr(log->Stats).Target!;

    private static BufferedLog Count(LogFile* log, bool fileWrite)
    {
        var stats = StatsOf(log);
        Interlocked.Increment(ref fileWrite ? ref stats.FileWrites : ref stats.SqliteWrites);
        return stats;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Close(SqliteFile* file)
    {
        var log = (LogFile*)file;
        var flushed = Flush(log);
        var synced = flushed == SqliteOk ? StatsOf(log).SyncBeforeClose(log) : SqliteOk;
        var closed = log->Inner->Methods->Close(log->Inner);
        if (log->Buffer is not null)
        {
            NativeMemory.Free(log->Buffer);
            log->Buffer = null;
        }

        GCHandle.FromIntPtr(log->Stats).Free();
        log->Base.Methods = null;
        return flushed != SqliteOk ? flushed : synced != SqliteOk ? synced : closed;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Read(SqliteFile* file, byte* data, int amount, long offset)
    {
        var log = (LogFile*)file;
        var flushed = Flush(log);
        return flushed != SqliteOk ? flushed : log->Inner->Methods->Read(log->Inner, data, amount, offset);
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Truncate(SqliteFile* file, long size)
    {
        var log = (LogFile*)file;
        var flushed = Flush(log);
        return flushed != SqliteOk ? flushed : log->Inner->Methods->Truncate(log->Inner, size);
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Sync(SqliteFile* file, int flags)
    {
        var log = (LogFile*)file;
        var flushed = Flush(log);
        if (flushed != SqliteOk)
        {
            return flushed;
        }

        var stats = StatsOf(log);
        if (stats.DeferSyncs)
        {
            stats.DeferredFlags = flags;
            stats.Owing = (IntPtr)log;
            Interlocked.Increment(ref stats.DeferredSyncs);
            return SqliteOk;
        }

        lock (stats.SyncLock)
        {
            return log->Inner->Methods->Sync(log->Inner, flags);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int FileSize(SqliteFile* file, long* size)
    {
        var log = (LogFile*)file;
        var flushed = Flush(log);
        return flushed != SqliteOk ? flushed : log->Inner->Methods->FileSize(log->Inner, size);
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int FileControl(SqliteFile* file, int operation, void* argument)
    {
        var log = (LogFile*)file;
        var flushed = Flush(log);
        return flushed != SqliteOk ? flushed : log->Inner->Methods->FileControl(log->Inner, operation, argument);
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Lock(SqliteFile* file, int level) => Inner(file)->Methods->Lock(Inner(file), level);

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Unlock(SqliteFile* file, int level) => Inner(file)->Methods->Unlock(Inner(file), level);

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int CheckReservedLock(SqliteFile* file, int* reserved) => Inner(file)->Methods->CheckReservedLock(Inner(file), reserved);

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int SectorSize(SqliteFile* file) => Inner(file)->Methods->SectorSize(Inner(file));

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int DeviceCharacteristics(SqliteFile* file) => Inner(file)->Methods->DeviceCharacteristics(Inner(file));

    private static SqliteFile* Inner(SqliteFile* file) => ((LogFile*)file)->Inner;

    [LibraryImport(Library)]
    private static partial Vfs* sqlite3_vfs_find(byte* name);

    [LibraryImport(Library)]
    private static partial int sqlite3_vfs_register(Vfs* vfs, int makeDefault);

    /// <summary>A buffered log, over every connection that opened it: what SQLite and the file were asked, and the syncs owed.</summary>
    public sealed class BufferedLog
    {
        internal readonly Lock SyncLock = new();
        internal long SqliteWrites;
        internal long FileWrites;
        internal long End;

        /// <summary>Syncs left to <see cref="SyncDeferred"/> so far, the flags SQLite asked for, and how many of them one has covered.</summary>
        internal long DeferredSyncs;
        internal int DeferredFlags;
        internal long SyncedThrough;
        private long _syncsDone;

        /// <summary>The file (a <see cref="LogFile"/>*) that left a sync to <see cref="SyncDeferred"/>, until it is closed.</summary>
        internal IntPtr Owing;

        /// <summary>
        /// While set, a sync SQLite asks of this log writes what waits and leaves the fsync to <see cref="SyncDeferred"/>,
        /// which another thread calls before anything that depends on the commit is acknowledged (<see cref="LogSyncer"/>).
        /// The writer sets it around its commits only: a checkpoint's sync of the log must be done before it copies pages.
        /// </summary>
        public volatile bool DeferSyncs;

        /// <summary>
        /// Where SQLite's last write to the log ended: the log's length since it last started over (SQLite appends frames,
        /// and starts over by writing the header at the beginning).
        /// </summary>
        public long LogEnd => Volatile.Read(ref End);

        /// <summary>The fsyncs done for syncs left to <see cref="SyncDeferred"/> (a call that found nothing owed does none).</summary>
        public long SyncsDone => Interlocked.Read(ref _syncsDone);

        /// <summary>
        /// Syncs the log if a commit left its sync deferred since the last one: every commit written to it before this call
        /// is then on the disk. SQLite's result code; an error when a sync is owed by a file closed without it.
        /// </summary>
        public int SyncDeferred()
        {
            lock (SyncLock)
            {
                var owed = Volatile.Read(ref DeferredSyncs);
                if (owed == SyncedThrough)
                {
                    return SqliteOk;
                }

                return Owing == IntPtr.Zero ? SqliteIoError : SyncOwed((LogFile*)Owing, owed);
            }
        }

        /// <summary>A file that owes a sync does it before it closes; if that fails, the next <see cref="SyncDeferred"/> says so.</summary>
        internal int SyncBeforeClose(LogFile* log)
        {
            lock (SyncLock)
            {
                if (Owing != (IntPtr)log)
                {
                    return SqliteOk;
                }

                Owing = IntPtr.Zero;
                var owed = Volatile.Read(ref DeferredSyncs);
                return owed == SyncedThrough ? SqliteOk : SyncOwed(log, owed);
            }
        }

        /// <summary>Under <see cref="SyncLock"/>: syncs the file, which then covers the first <paramref name="owed"/> syncs left to it.</summary>
        private int SyncOwed(LogFile* log, long owed)
        {
            var result = log->Inner->Methods->Sync(log->Inner, DeferredFlags);
            Interlocked.Increment(ref _syncsDone);
            if (result == SqliteOk)
            {
                SyncedThrough = owed;
            }

            return result;
        }
    }

    /// <summary>A buffered log: SQLite's view of it, the platform's file (which follows it in memory), what waits to be written.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct LogFile
    {
        public SqliteFile Base;
        public SqliteFile* Inner;
        public byte* Buffer;
        public long Start;
        public int Length;
        public IntPtr Stats;
    }

    /// <summary>SQLite's <c>sqlite3_vfs</c> (version 3); only the fields this VFS changes are typed.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct Vfs
    {
        public int Version;
        public int FileSize;
        public int MaxPathname;
        public Vfs* Next;
        public byte* Name;
        public void* AppData;
        public delegate* unmanaged[Cdecl]<Vfs*, byte*, SqliteFile*, int, int*, int> Open;
        public IntPtr Delete, Access, FullPathname, DlOpen, DlError, DlSym, DlClose, Randomness, Sleep, CurrentTime, GetLastError;
        public IntPtr CurrentTimeInt64, SetSystemCall, GetSystemCall, NextSystemCall;
    }
}
