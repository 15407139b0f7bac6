using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;
using TradeHub.Hosting.Auth;
using TradeHub.Testing;

namespace TradeHub.Listings.Tests;

/// <summary>The Listings service in process, on the real PostgreSQL and RabbitMQ (its own database and vhost).</summary>
[SetUpFixture]
public sealed class ListingsApp
{
    public const string Name = "tradehub_test_listings";
    public static WebApplicationFactory<Program> Factory { get; private set; } = null!;
    public static NpgsqlDataSource Db { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        var connectionString = await TestDatabase.CreateFresh(Name);
        await TestBroker.RecreateVirtualHost(Name);
        Factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b
            .UseSetting("ConnectionStrings:Database", connectionString)
            .UseSetting("RabbitMq:VirtualHost", Name)
            .UseSetting("RabbitMq:Port", RunningSystem.AmqpPort.ToString())
            .UseSetting("Auth:DevIssuer:Enabled", "true"));
        Factory.CreateClient().Dispose();
        Db = NpgsqlDataSource.Create(connectionString);
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await Factory.DisposeAsync();
        await Db.DisposeAsync();
    }

    /// <summary>A client signed in with a dev token of the given organisation and role.</summary>
    public static HttpClient As(string org, string role)
    {
        var client = Factory.CreateClient();
        var token = TokenAuth.IssueDevToken(new AuthOptions { DevIssuer = { Enabled = true } }, org, role);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public static HttpClient Anonymous() => Factory.CreateClient();
}
