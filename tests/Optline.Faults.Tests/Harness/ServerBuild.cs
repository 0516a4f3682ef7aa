using System.Reflection;

namespace Optline.Faults;

/// <summary>
/// The Optline server the faults run against: the build of <c>src/Optline.Server</c> (made before the tests by the project
/// reference), or any other build named by <c>OPTLINE_SERVER_DLL</c>. It is copied once per process to a private folder,
/// so a concurrent rebuild of the repository never swaps the binaries between a kill and the restart.
/// </summary>
public static class ServerBuild
{
    public const string EnvironmentVariable = "OPTLINE_SERVER_DLL";

    private static readonly Lazy<string> Snapshot = new(TakeSnapshot, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The server's entry assembly, to run with <c>dotnet &lt;dll&gt;</c>.</summary>
    public static string Dll => Snapshot.Value;

    /// <summary>The <c>dotnet</c> host that runs this process (set by <c>dotnet test</c> and <c>dotnet run</c>), else the one on PATH.</summary>
    public static string DotnetHost =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    private static string TakeSnapshot()
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } given)
        {
            return File.Exists(given) ? Path.GetFullPath(given) : throw new InvalidOperationException($"{EnvironmentVariable}={given} does not exist.");
        }

        var output = typeof(ServerBuild).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "OptlineServerOutput")?.Value
            ?? throw new InvalidOperationException("This assembly does not say where the server is built (AssemblyMetadata OptlineServerOutput).");
        if (!File.Exists(Path.Combine(output, "Optline.Server.dll")))
        {
            throw new InvalidOperationException($"No server build in {output}: build src/Optline.Server first, or set {EnvironmentVariable}.");
        }

        var target = Directory.CreateTempSubdirectory("optline-faults-server-").FullName;
        Copy(new DirectoryInfo(output), target);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Scratch.TryDelete(target);
        return Path.Combine(target, "Optline.Server.dll");
    }

    private static void Copy(DirectoryInfo source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in source.EnumerateFiles())
        {
            file.CopyTo(Path.Combine(target, file.Name), overwrite: true);
        }

        foreach (var directory in source.EnumerateDirectories())
        {
            Copy(directory, Path.Combine(target, directory.Name));
        }
    }
}

/// <summary>Temporary folders of a run.</summary>
public static class Scratch
{
    public static string NewDirectory(string prefix) => Directory.CreateTempSubdirectory(prefix).FullName;

    public static void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
            // A file still held open is left to the OS's temp cleaning.
        }
        catch (UnauthorizedAccessException)
        {
            // Likewise.
        }
    }
}
