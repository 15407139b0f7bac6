using TradeHub.Testing;

namespace TradeHub.EndToEnd.Tests;

/// <summary>Starts the whole system once (real processes, PostgreSQL, RabbitMQ) for every end-to-end test, and stops it.</summary>
[SetUpFixture]
public sealed class TradeHubSystem
{
    public static RunningSystem System { get; private set; } = null!;
    public static OtlpSink Traces { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        Traces = new OtlpSink();
        System = new RunningSystem("tradehub_e2e", basePort: 18080) { Traces = Traces };
        await System.Start();
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await System.DisposeAsync();
        Traces.Dispose();
    }

    public static Task<ApiClient> SignIn(string organisation, string role) =>
        ApiClient.SignIn(System.GatewayUrl, organisation, role);
}
