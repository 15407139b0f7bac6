using System.Net.Http.Headers;
using Dapper;
using MassTransit;
using MassTransit.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using TradeHub.Hosting.Auth;
using TradeHub.Testing;

namespace TradeHub.Shipments.Tests;

/// <summary>
/// The Shipments service in process on the real PostgreSQL (its own database), with MassTransit's in-memory test
/// harness as its bus: tests deliver events to its consumers and call its API.
/// </summary>
[SetUpFixture]
public sealed class ShipmentsApp
{
    public const string Name = "tradehub_test_shipments";
    public static WebApplicationFactory<Program> Factory { get; private set; } = null!;
    public static NpgsqlDataSource Db { get; private set; } = null!;
    public static ITestHarness Harness { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        var connectionString = await TestDatabase.CreateFresh(Name);
        Factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b
            .UseSetting("ConnectionStrings:Database", connectionString)
            .UseSetting("Auth:DevIssuer:Enabled", "true")
            // Closures in chunks of two, so that every closure in these tests crosses chunks.
            .UseSetting("Shipments:DisruptionChunk", "2")
            .ConfigureTestServices(services => services.AddMassTransitTestHarness()));
        Factory.CreateClient().Dispose();
        Harness = Factory.Services.GetRequiredService<ITestHarness>();
        Harness.TestTimeout = TimeSpan.FromSeconds(20);
        Db = NpgsqlDataSource.Create(connectionString);
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await Factory.DisposeAsync();
        await Db.DisposeAsync();
    }

    public static HttpClient As(string org, string role)
    {
        var client = Factory.CreateClient();
        var token = TokenAuth.IssueDevToken(new AuthOptions { DevIssuer = { Enabled = true } }, org, role);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public static HttpClient Anonymous() => Factory.CreateClient();

    /// <summary>Publishes with the given message id and waits until Shipments' consumer has handled it.</summary>
    public static Task Deliver<T>(T message, Guid? messageId = null) where T : class =>
        DeliverAll((message, messageId ?? Guid.NewGuid()));

    /// <summary>Publishes the messages at once (their ids given) and waits until Shipments' consumer handled each.</summary>
    public static async Task DeliverAll<T>(params (T Message, Guid MessageId)[] messages) where T : class
    {
        await Task.WhenAll(messages.Select(m => Harness.Bus.Publish(m.Message, ctx => ctx.MessageId = m.MessageId)));
        foreach (var id in messages.Select(m => m.MessageId).Distinct())
        {
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (!await Harness.Consumed.Any<T>(c => c.Context.MessageId == id))
            {
                if (DateTime.UtcNow > deadline) Assert.Fail($"{typeof(T).Name} {id} was not consumed");
                await Task.Delay(10);
            }
        }
        var fault = Harness.Consumed.Select<T>(c => messages.Any(m => m.MessageId == c.Context.MessageId))
            .FirstOrDefault(c => c.Exception is not null);
        Assert.That(fault?.Exception, Is.Null, fault?.Exception?.ToString());
    }

    public static async Task<T> Scalar<T>(string sql, object? args = null)
    {
        await using var connection = await Db.OpenConnectionAsync();
        return (await connection.ExecuteScalarAsync<T>(sql, args))!;
    }

    /// <summary>How many events of a type the outbox relay has published so far that match.</summary>
    public static int Published<T>(Func<T, bool> match) where T : class =>
        Harness.Published.Select<T>(p => match(p.Context.Message)).Count();

    /// <summary>Waits until the relay has published at least <paramref name="count"/> matching events; returns how many.</summary>
    public static async Task<int> WaitPublished<T>(Func<T, bool> match, int count = 1) where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Published(match) < count && DateTime.UtcNow < deadline) await Task.Delay(20);
        return Published(match);
    }
}
