namespace Optline.Web.Tests.Infrastructure;

/// <summary>
/// One Optline server and one headless Chromium for every browser test (they run one after another in one collection).
/// Each test opens its own browser contexts, so cookies never leak between people or tests.
/// </summary>
public sealed class WebFixture : IAsyncLifetime
{
    public static readonly string Artifacts = Path.Combine(AppContext.BaseDirectory, "artifacts");

    private IPlaywright? _playwright;

    public WebServer Server { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Every alert/confirm/prompt any page opened: a page that runs injected script shows up here.</summary>
    public System.Collections.Concurrent.ConcurrentBag<string> Dialogs { get; } = [];

    public async Task InitializeAsync()
    {
        if (Directory.Exists(Artifacts))
        {
            Directory.Delete(Artifacts, recursive: true);
        }

        Directory.CreateDirectory(Artifacts);
        Assertions.SetDefaultExpectTimeout(10_000);
        Server = await WebServer.StartAsync();
        if (Chromium.SkipReason is not null)
        {
            return;
        }

        if (!Chromium.IsInstalled)
        {
            throw new InvalidOperationException($"CI is set but {Chromium.ExecutablePath} is missing: .ci/run must install Debian's 'chromium' package.");
        }

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(Chromium.LaunchOptions);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }
    }

    /// <summary>A new person at the browser: own cookies, a desktop-sized window unless told otherwise.</summary>
    public async Task<IPage> NewPageAsync(int width = 1280, int height = 900)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Server.Url,
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        context.SetDefaultTimeout(10_000);
        // The first page of a run waits for the server's first compilation of its pages: on a busy machine, over 10 s.
        context.SetDefaultNavigationTimeout(30_000);
        var page = await context.NewPageAsync();
        page.Dialog += async (_, dialog) =>
        {
            Dialogs.Add(dialog.Message);
            await dialog.DismissAsync();
        };
        return page;
    }

    /// <summary>Signs in at <c>/</c> with an API key and waits for the role's home page.</summary>
    public async Task<IPage> SignedInAsync(string apiKey, int width = 1280, int height = 900)
    {
        var page = await NewPageAsync(width, height);
        await page.GotoAsync("/");
        await page.GetByLabel("API key").FillAsync(apiKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("/portal", StringComparison.Ordinal) || url.Contains("/inbox", StringComparison.Ordinal));
        return page;
    }

    /// <summary>
    /// Saves a screenshot as a test artifact: bin/…/artifacts/NAME.png. A full-page screenshot resizes the window, which
    /// resets scrolled lists (a thread, the phone) to their top, so those screens are taken as the window shows them.
    /// </summary>
    public static Task ScreenshotAsync(IPage page, string name, bool fullPage = true) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Artifacts, name + ".png"), FullPage = fullPage });
}

[CollectionDefinition(Name)]
public sealed class WebCollection : ICollectionFixture<WebFixture>
{
    public const string Name = "web";
}
