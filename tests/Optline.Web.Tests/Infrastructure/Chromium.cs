namespace Optline.Web.Tests.Infrastructure;

/// <summary>
/// Debian's Chromium, driven by Playwright through <c>ExecutablePath</c> (Playwright downloads no browser here).
/// Without it the browser tests are skipped on a developer's machine and fail loudly in CI (env CI set).
/// </summary>
public static class Chromium
{
    public const string ExecutablePath = "/usr/bin/chromium";

    public static bool IsInstalled => File.Exists(ExecutablePath);

    public static bool InCi => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"));

    /// <summary>Why a browser test is skipped, or null when it runs.</summary>
    public static string? SkipReason => IsInstalled || InCi
        ? null
        : $"{ExecutablePath} is missing: install Debian's 'chromium' package to run the browser tests (they fail instead of skipping when CI is set).";

    public static BrowserTypeLaunchOptions LaunchOptions => new()
    {
        ExecutablePath = ExecutablePath,
        Headless = true,
        Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    };
}

/// <summary>A browser test: skipped when Chromium is absent outside CI (see <see cref="Chromium.SkipReason"/>).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (Chromium.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
