using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Optline.Storage.Database;

/// <summary>
/// SQLite's own page cache, without a scan of the whole cache at nearly every commit of the writer.
/// <para>
/// At the end of each write transaction SQLite asks its page cache to drop the pages past the database's end
/// (<c>xTruncate</c>). The cache remembers the highest page number it has held and scans only when that is past the end;
/// but a b-tree split that puts its new pages in ascending order parks one of them for a moment at the page number after
/// the lock-byte page (1 GiB ÷ page size + 1: 524,289 at 2 KB pages), so in a database under 1 GiB the cache's highest
/// number is past the end after almost every batch, and the drop walks all 8,192 hash buckets of the writer's 16 MB
/// cache to find nothing: 6 % of the server's CPU under saturation, on the thread every event waits for.
/// </para>
/// <para>
/// This cache keeps SQLite's (<c>pcache1</c>) for everything and keeps, per cache, a bound of its own on the page
/// numbers it holds: the highest number any fetch returned or any page moved to, except the parking number, whose pages
/// it counts in and out. A truncation that can find nothing past that bound, and no page parked, is not passed on; any
/// other is, as before. Installed once per process before SQLite initialises (<see cref="SqliteDialect"/>'s static
/// constructor); SQLite refuses it afterwards and keeps its own, unchanged.
/// </para>
/// </summary>
internal static unsafe partial class SqlitePageCache
{
    private const int ConfigPageCache2 = 18; // SQLITE_CONFIG_PCACHE2
    private const int ConfigGetPageCache2 = 19; // SQLITE_CONFIG_GETPCACHE2
    private const long PendingByte = 0x40000000;

    private static Methods s_sqlite;
    private static Methods* s_installed;
    private static long s_truncations;
    private static long s_passedOn;

    /// <summary>True when SQLite took this cache (only before its first connection, and once per process).</summary>
    public static bool Install()
    {
        // sqlite3_config is variadic: Apple's arm64 convention passes the pointer where a plain call does not.
        if (s_installed is not null || (OperatingSystem.IsMacOS() && RuntimeInformation.ProcessArchitecture == Architecture.Arm64))
        {
            return s_installed is not null;
        }

        Methods sqlite;
        if (sqlite3_config(ConfigGetPageCache2, &sqlite) != SqliteNative.Ok || sqlite.Fetch is null)
        {
            return false;
        }

        s_sqlite = sqlite;
        var installed = (Methods*)NativeMemory.AllocZeroed((nuint)sizeof(Methods));
        *installed = sqlite;
        installed->Create = &Create;
        installed->CacheSize = &CacheSize;
        installed->PageCount = &PageCount;
        installed->Fetch = &Fetch;
        installed->Unpin = &Unpin;
        installed->Rekey = &Rekey;
        installed->Truncate = &Truncate;
        installed->Destroy = &Destroy;
        installed->Shrink = &Shrink;
        if (sqlite3_config(ConfigPageCache2, installed) != SqliteNative.Ok)
        {
            NativeMemory.Free(installed);
            return false;
        }

        s_installed = installed;
        return true;
    }

    /// <summary>Truncations of all caches so far, and how many of them were passed on to SQLite's cache.</summary>
    public static (long Asked, long PassedOn) Truncations => (Interlocked.Read(ref s_truncations), Interlocked.Read(ref s_passedOn));

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void* Create(int pageSize, int extraSize, int purgeable)
    {
        var inner = s_sqlite.Create(pageSize, extraSize, purgeable);
        if (inner is null)
        {
            return null;
        }

        var cache = (Cache*)NativeMemory.Alloc((nuint)sizeof(Cache));
        if (cache is null)
        {
            s_sqlite.Destroy(inner);
            return null;
        }

        *cache = new Cache { Inner = inner, ParkingKey = (uint)(PendingByte / pageSize) + 1 };
        return cache;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void CacheSize(void* handle, int pages) => s_sqlite.CacheSize(((Cache*)handle)->Inner, pages);

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int PageCount(void* handle) => s_sqlite.PageCount(((Cache*)handle)->Inner);

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void* Fetch(void* handle, uint key, int create)
    {
        var cache = (Cache*)handle;
        var page = s_sqlite.Fetch(cache->Inner, key, create);
        if (page is not null)
        {
            Held(cache, key);
        }

        return page;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Unpin(void* handle, void* page, int discard) => s_sqlite.Unpin(((Cache*)handle)->Inner, page, discard);

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Rekey(void* handle, void* page, uint oldKey, uint newKey)
    {
        var cache = (Cache*)handle;
        s_sqlite.Rekey(cache->Inner, page, oldKey, newKey);
        if (oldKey == cache->ParkingKey)
        {
            cache->Parked--;
        }

        Held(cache, newKey);
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Truncate(void* handle, uint limit)
    {
        var cache = (Cache*)handle;
        Interlocked.Increment(ref s_truncations);
        if (cache->Parked <= 0 && cache->HighestKey < limit)
        {
            return;
        }

        Interlocked.Increment(ref s_passedOn);
        s_sqlite.Truncate(cache->Inner, limit);
        cache->HighestKey = limit == 0 ? 0 : Math.Min(cache->HighestKey, limit - 1);
        if (limit <= cache->ParkingKey)
        {
            cache->Parked = 0;
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Destroy(void* handle)
    {
        var cache = (Cache*)handle;
        s_sqlite.Destroy(cache->Inner);
        NativeMemory.Free(cache);
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Shrink(void* handle) => s_sqlite.Shrink(((Cache*)handle)->Inner);

    /// <summary>A page now held under <paramref name="key"/>: the parking number is counted, any other raises the bound.</summary>
    private static void Held(Cache* cache, uint key)
    {
        if (key == cache->ParkingKey)
        {
            cache->Parked++;
        }
        else if (key > cache->HighestKey)
        {
            cache->HighestKey = key;
        }
    }

    [LibraryImport(SqliteNative.Library)]
    private static partial int sqlite3_config(int option, void* argument);

    /// <summary>One cache: SQLite's, the highest page number it may hold apart from the parking number, pages parked there.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct Cache
    {
        public void* Inner;
        public uint ParkingKey;
        public uint HighestKey;
        public int Parked;
    }

    /// <summary>SQLite's <c>sqlite3_pcache_methods2</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct Methods
    {
        public int Version;
        public void* Argument;
        public delegate* unmanaged[Cdecl]<void*, int> Init;
        public delegate* unmanaged[Cdecl]<void*, void> Shutdown;
        public delegate* unmanaged[Cdecl]<int, int, int, void*> Create;
        public delegate* unmanaged[Cdecl]<void*, int, void> CacheSize;
        public delegate* unmanaged[Cdecl]<void*, int> PageCount;
        public delegate* unmanaged[Cdecl]<void*, uint, int, void*> Fetch;
        public delegate* unmanaged[Cdecl]<void*, void*, int, void> Unpin;
        public delegate* unmanaged[Cdecl]<void*, void*, uint, uint, void> Rekey;
        public delegate* unmanaged[Cdecl]<void*, uint, void> Truncate;
        public delegate* unmanaged[Cdecl]<void*, void> Destroy;
        public delegate* unmanaged[Cdecl]<void*, void> Shrink;
    }
}
