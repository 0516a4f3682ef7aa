using BenchmarkDotNet.Running;

namespace Optline.Bench;

/// <summary><c>dotnet run -c Release --project bench/Optline.Bench -- --filter '*'</c> (add <c>--job short</c> for a quick run).</summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
