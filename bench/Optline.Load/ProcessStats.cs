using System.Globalization;

namespace Optline.Load;

/// <summary>What /proc says about a child process: CPU time so far, and its resident memory split by kind.</summary>
public static class ProcessStats
{
    /// <summary>User + system CPU time, in milliseconds: unlike wall time, barely moved by other tenants' load.</summary>
    public static double CpuMs(int pid)
    {
        // Fields after the command name, which is in parentheses and may contain spaces: utime and stime are the 12th and 13th.
        var fields = File.ReadAllText($"/proc/{pid}/stat").Split(')')[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return ticks * 1000.0 / 100; // USER_HZ is 100 on Linux
    }

    /// <summary>RssAnon (heaps, SQLite's page caches, stacks), RssFile (mapped assemblies and libraries) and RssShmem (JIT code), in bytes.</summary>
    public static (long Anon, long File, long Shmem) RssKinds(int pid)
    {
        long Read(string key) => File.ReadLines($"/proc/{pid}/status")
            .Where(l => l.StartsWith(key, StringComparison.Ordinal))
            .Select(l => long.Parse(l[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024)
            .FirstOrDefault();
        return (Read("RssAnon:"), Read("RssFile:"), Read("RssShmem:"));
    }
}
