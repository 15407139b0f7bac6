using System.Net.Http.Headers;
using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Logging;
using TradeHub.Hosting.Auth;
using TradeHub.Hosting.Messaging;
using TradeHub.Routing.CargoOffers;
using TradeHub.Testing;

namespace TradeHub.Routing.Tests.Api;

/// <summary>The Routing service in process on a fresh database, with MassTransit's in-memory test harness as the bus.</summary>
[SetUpFixture]
public sealed class RoutingApp
{
    public static WebApplicationFactory<Program> Factory { get; private set; } = null!;
    public static string ConnectionString { get; private set; } = "";

    [OneTimeSetUp]
    public async Task Start()
    {
        ConnectionString = await TestDatabase.CreateFresh("tradehub_test_routing");
        Environment.SetEnvironmentVariable("ConnectionStrings__Database", ConnectionString);
        Environment.SetEnvironmentVariable("Auth__DevIssuer__Enabled", "true");
        Factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("ConnectionStrings:Database", ConnectionString);
            b.UseSetting("Auth:DevIssuer:Enabled", "true");
            b.ConfigureLogging(l => l.AddProvider(new TestLogProvider()));
            b.ConfigureTestServices(services => services.AddMassTransitTestHarness(x =>
            {
                x.AddBatchConsumer<CargoOfferPostedConsumer>();
                x.AddConsumer<CargoOfferWithdrawnConsumer>();
                x.AddConsumer<CargoOfferExpiredConsumer>();
            }));
        });
        _ = Factory.Server; // runs Program: migrations, seed, hosted services
        await Task.CompletedTask;
    }

    [OneTimeTearDown]
    public async Task Stop() => await Factory.DisposeAsync();

    public static HttpClient Client(string role = Roles.Sme, string org = "org-a")
    {
        var client = Factory.CreateClient();
        var token = TokenAuth.IssueDevToken(new AuthOptions { DevIssuer = { Enabled = true } }, org, role);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}

/// <summary>Sends the service's warnings and errors to the test output, so a failing request shows its cause.</summary>
internal sealed class TestLogProvider : Microsoft.Extensions.Logging.ILoggerProvider
{
    public Microsoft.Extensions.Logging.ILogger CreateLogger(string categoryName) => new Logger(categoryName);
    public void Dispose() { }

    private sealed class Logger(string category) : Microsoft.Extensions.Logging.ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel level) => level >= Microsoft.Extensions.Logging.LogLevel.Warning;
        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel level, Microsoft.Extensions.Logging.EventId id, TState state,
            Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(level)) File.AppendAllText(Path.Combine(Path.GetTempPath(), "tradehub-routing-tests.log"), $"[{level}] {category}: {formatter(state, exception)} {exception}\n");
        }
    }
}
