using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;
using TradeHub.Hosting.Auth;
using TradeHub.Testing;

namespace TradeHub.Tenders.Tests;

/// <summary>The Tenders service in process, on the real PostgreSQL and RabbitMQ (its own database and vhost).</summary>
[SetUpFixture]
public sealed class TendersApp
{
    public const string Name = "tradehub_test_tenders";
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
            .UseSetting("Auth:DevIssuer:Enabled", "true")
            .UseSetting("Tenders:SweepInterval", "00:00:00.200")
            .UseSetting("Tenders:SolveTimeLimit", "00:00:10"));
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

    /// <summary>A unique organisation per test, so tests never see each other's tenders.</summary>
    public static string Org(string name) => $"{name}-{Guid.NewGuid().ToString("N")[..8]}";
}

/// <summary>The Tianjin season: five lanes west, as the sample day tenders them.</summary>
public static class Season
{
    public static object Tender(DateTimeOffset? closesAt = null, int? maxCarriers = null, int? minTrustScore = null) => new
    {
        title = "Tianjin season",
        closesAt = closesAt ?? DateTimeOffset.UtcNow.AddDays(3),
        maxCarriers,
        minTrustScore,
        lanes = new[]
        {
            Lane("TAS", "UZTAS", 4), Lane("ALA", "KZALA", 3), Lane("MSQ", "BYMSQ", 2), Lane("MOW", "RUMOW", 5), Lane("TBS", "GETBS", 1),
        },
    };

    static object Lane(string reference, string destination, int count) => new
    {
        @ref = reference, origin = "CNTSN", destination, mode = "rail",
        containers = new { count, type = "40HC" },
        from = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(20)), to = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(50)),
    };

    public static object Package(string reference, params (string Lane, decimal Price)[] lanes) =>
        new { @ref = reference, lanes = lanes.Select(l => new { @ref = l.Lane, pricePerContainer = l.Price }).ToArray() };

    public static async Task<JsonNode> Ok(this Task<HttpResponseMessage> call)
    {
        var answer = await call;
        var text = await answer.Content.ReadAsStringAsync();
        Assert.That(answer.IsSuccessStatusCode, Is.True, text);
        return JsonNode.Parse(text)!;
    }

    public static async Task<JsonNode> Create(HttpClient owner, object? tender = null) =>
        await owner.PostAsJsonAsync("/api/tenders", tender ?? Tender()).Ok();

    /// <summary>Polls the award until the solve has stored it.</summary>
    public static async Task<JsonNode> AwardOf(HttpClient client, string id)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var award = await client.GetAsync($"/api/tenders/{id}/award").Ok();
            var status = award["status"]!.GetValue<string>();
            if (status is "awarded" or "unawarded" || DateTime.UtcNow > deadline) return award;
            await Task.Delay(100);
        }
    }
}
