namespace TradeHub.Browser.Tests;

/// <summary>
/// One Debian Chromium per fixture, a fresh browser context per page. Tests run against the gateway at
/// TRADEHUB_GATEWAY_URL (the end-to-end fixture starts the system); a missing browser or gateway fails, never skips.
/// </summary>
public abstract class DashboardTest
{
    private static readonly string[] ChromiumPaths = ["/usr/lib/chromium/chromium", "/usr/bin/chromium"];

    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private readonly List<IBrowserContext> _contexts = [];

    protected static string GatewayUrl =>
        (Environment.GetEnvironmentVariable("TRADEHUB_GATEWAY_URL") ?? "http://127.0.0.1:8080").TrimEnd('/');

    protected static Gateway Api { get; } = new(GatewayUrl);

    /// <summary>Timeout for what happens asynchronously over the bus (routes, matches, flows).</summary>
    protected const float Eventually = 60_000;

    [OneTimeSetUp]
    public async Task LaunchBrowser()
    {
        var path = Environment.GetEnvironmentVariable("TRADEHUB_CHROMIUM") is { Length: > 0 } configured
            ? configured
            : ChromiumPaths.FirstOrDefault(File.Exists);
        if (path is null || !File.Exists(path))
            Assert.Fail("No Chromium: install Debian's (apt-get install -y chromium) or set TRADEHUB_CHROMIUM. Never downloaded.");
        await Api.EnsureUp();
        _playwright = await Playwright.CreateAsync();
        // ExecutablePath always: without it Playwright looks for a browser of its own download.
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = path, Headless = true });
        TestContext.Progress.WriteLine($"Chromium {_browser.Version} at {path}; gateway {GatewayUrl}");
    }

    [OneTimeTearDown]
    public async Task CloseBrowser()
    {
        if (_browser is not null) await _browser.CloseAsync();
        _playwright?.Dispose();
    }

    [TearDown]
    public async Task CloseContexts()
    {
        foreach (var context in _contexts) await context.CloseAsync();
        _contexts.Clear();
    }

    /// <summary>A page in its own context (own sessionStorage, so its own sign-in), recording console errors.</summary>
    protected async Task<DashboardPage> OpenPage(int width = 1366)
    {
        var context = await _browser!.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = GatewayUrl,
            ViewportSize = new ViewportSize { Width = width, Height = 900 },
            Locale = "en-GB",
        });
        _contexts.Add(context);
        var page = await context.NewPageAsync();
        var dashboard = new DashboardPage(page);
        page.Console += (_, message) => { if (message.Type == "error") dashboard.ConsoleErrors.Add(message.Text); };
        page.PageError += (_, error) => dashboard.ConsoleErrors.Add(error);
        return dashboard;
    }

    /// <summary>Saves a full-page screenshot under the work directory's screenshots folder and attaches it to the test.</summary>
    protected static async Task Screenshot(DashboardPage page, string name)
    {
        var folder = Path.Combine(TestContext.CurrentContext.WorkDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, $"{name}.png");
        await page.Page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });
        TestContext.AddTestAttachment(file, name);
    }

    protected static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";
}

/// <summary>The dashboard as a user drives it, by data-testid.</summary>
public sealed class DashboardPage(IPage page)
{
    public IPage Page { get; } = page;
    public List<string> ConsoleErrors { get; } = [];

    public ILocator ByTestId(string id) => Page.GetByTestId(id);

    public async Task SignIn(string organisation, string role)
    {
        await Page.GotoAsync("/");
        await ByTestId("signin-org").FillAsync(organisation);
        await ByTestId("signin-role").SelectOptionAsync(role);
        await ByTestId("signin-submit").ClickAsync();
        await Page.Locator("[data-testid=map][data-ready=true]").WaitForAsync();
    }

    /// <summary>Console messages arrive asynchronously: give late ones a moment before asserting there are none.</summary>
    public async Task<List<string>> SettledConsoleErrors()
    {
        for (var i = 0; i < 10 && ConsoleErrors.Count == 0; i++) await Page.WaitForTimeoutAsync(100);
        return ConsoleErrors;
    }

    public Task WaitFor(string selector, float timeout = 30_000) =>
        Page.Locator(selector).First.WaitForAsync(new LocatorWaitForOptions { Timeout = timeout });
}
