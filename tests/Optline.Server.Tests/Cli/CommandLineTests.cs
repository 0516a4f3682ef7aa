using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Optline.Server.Cli;
using Optline.Server.Hosting;
using Optline.Storage.Organizations;

namespace Optline.Server.Tests.Cli;

/// <summary>The console and the environment are the process's: these tests run alone.</summary>
[CollectionDefinition(nameof(ConsoleCollection), DisableParallelization = true)]
public sealed class ConsoleCollection;

/// <summary>The operator's verbs on the same executable, configured like the server through <c>Optline__*</c> environment variables.</summary>
[Collection(nameof(ConsoleCollection))]
public sealed partial class CommandLineTests : IDisposable
{
    private const string ConnectionVariable = "Optline__Database__ConnectionString";
    private const string LogLevelVariable = "Logging__LogLevel__Default";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "optline-cli-tests", Guid.NewGuid().ToString("N"));
    private readonly string? _previousConnection = Environment.GetEnvironmentVariable(ConnectionVariable);
    private readonly string? _previousLogLevel = Environment.GetEnvironmentVariable(LogLevelVariable);

    public CommandLineTests()
    {
        Directory.CreateDirectory(_directory);
        Environment.SetEnvironmentVariable(ConnectionVariable, $"Data Source={Path.Combine(_directory, "optline.db")}");
        Environment.SetEnvironmentVariable(LogLevelVariable, "Warning");
    }

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(ConnectionVariable, _previousConnection);
        Environment.SetEnvironmentVariable(LogLevelVariable, _previousLogLevel);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Left to the OS's temp cleaning.
        }
    }

    [Fact]
    public async Task Migrate_applies_the_migrations_once()
    {
        var (first, firstOutput) = await RunAsync("migrate");
        var (second, secondOutput) = await RunAsync("migrate");

        Assert.Equal(0, first);
        Assert.StartsWith("Applied: ", firstOutput.Trim(), StringComparison.Ordinal);
        Assert.Equal(0, second);
        Assert.Contains("up to date", secondOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_organization_and_create_line_print_keys_that_authenticate()
    {
        var (orgExit, orgOutput) = await RunAsync("create-organization", "--name", "Harbor Wealth");
        var organization = OrganizationLine().Match(orgOutput);
        var adminKey = AdminKeyLine().Match(orgOutput);
        Assert.Equal(0, orgExit);
        Assert.True(organization.Success && adminKey.Success, orgOutput);
        var organizationId = long.Parse(organization.Groups[1].Value, CultureInfo.InvariantCulture);

        var (lineExit, lineOutput) = await RunAsync("create-line", "--organization", organization.Groups[1].Value, "--number", "(201) 555-0142", "--display-name", "Dana Cole");
        var line = LineLine().Match(lineOutput);
        var lineKey = LineKeyLine().Match(lineOutput);
        Assert.Equal(0, lineExit);
        Assert.True(line.Success && lineKey.Success, lineOutput);
        Assert.Equal("+12015550142", line.Groups[2].Value);

        await using var app = OptlineApp.Build([]);
        var store = app.Services.GetRequiredService<OrganizationStore>();
        var admin = await store.AuthenticateAsync(adminKey.Groups[1].Value);
        var lineUser = await store.AuthenticateAsync(lineKey.Groups[1].Value);
        Assert.Equal(new Principal(organizationId, null), admin);
        Assert.Equal(new Principal(organizationId, long.Parse(line.Groups[1].Value, CultureInfo.InvariantCulture)), lineUser);
    }

    [Fact]
    public async Task Create_line_refuses_an_invalid_number()
    {
        await RunAsync("create-organization", "--name", "Harbor Wealth");

        var (exit, _) = await RunAsync("create-line", "--organization", "1", "--number", "12345", "--display-name", "Dana Cole");

        Assert.Equal(2, exit);
    }

    private static async Task<(int Exit, string Output)> RunAsync(params string[] args)
    {
        var original = Console.Out;
        var error = Console.Error;
        // Not disposed: a logger thread may still hold it for a moment after the verb returns.
        var output = new StringWriter(CultureInfo.InvariantCulture);
        Console.SetOut(output);
        Console.SetError(output);
        try
        {
            var exit = await OptlineCommandLine.RunAsync(args);
            return (exit, output.ToString());
        }
        finally
        {
            Console.SetOut(original);
            Console.SetError(error);
        }
    }

    [GeneratedRegex(@"^organization (\d+)", RegexOptions.Multiline)]
    private static partial Regex OrganizationLine();

    [GeneratedRegex(@"^admin key (\S+)", RegexOptions.Multiline)]
    private static partial Regex AdminKeyLine();

    [GeneratedRegex(@"^line (\d+) (\+\d+)", RegexOptions.Multiline)]
    private static partial Regex LineLine();

    [GeneratedRegex(@"^line key (\S+)", RegexOptions.Multiline)]
    private static partial Regex LineKeyLine();
}
