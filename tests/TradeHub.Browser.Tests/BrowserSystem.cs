using TradeHub.Testing;

namespace TradeHub.Browser.Tests;

/// <summary>
/// Starts the whole system (real processes on their own ports, databases and vhost) for the browser tests,
/// unless TRADEHUB_GATEWAY_URL points at one already running; stops what it started.
/// </summary>
[SetUpFixture]
public sealed class BrowserSystem
{
    private RunningSystem? _system;

    [OneTimeSetUp]
    public async Task Start()
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("TRADEHUB_GATEWAY_URL"))) return;
        _system = new RunningSystem("tradehub_browser", basePort: 18180);
        await _system.Start();
        Environment.SetEnvironmentVariable("TRADEHUB_GATEWAY_URL", _system.GatewayUrl.ToString().TrimEnd('/'));
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        if (_system is null) return;
        await _system.DisposeAsync();
        Environment.SetEnvironmentVariable("TRADEHUB_GATEWAY_URL", null);
    }
}
