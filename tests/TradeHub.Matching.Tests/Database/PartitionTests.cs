using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using TradeHub.Hosting.Messaging;
using TradeHub.Matching.CargoMatching;
using TradeHub.Matching.Offers;
using TradeHub.Testing;

namespace TradeHub.Matching.Tests.Database;

/// <summary>
/// Matching's partitions on the real RabbitMQ: every instance subscribes to each partition queue, one of them
/// consumes it, and another takes over when that one goes.
/// </summary>
public class PartitionTests : ConsumerRig
{
    private const string VirtualHost = "tradehub-test-matching-partitions";

    [Test]
    public async Task Each_partition_is_consumed_by_one_instance_and_another_takes_over_when_it_goes()
    {
        await TestBroker.RecreateVirtualHost(VirtualHost);
        var first = await StartBrokerInstance();
        var second = await StartBrokerInstance();
        try
        {
            foreach (var queue in new[] { MatchingSetup.CargoCapacityQueue, MatchingSetup.TradeQueue })
            {
                var consumers = await Consumers(queue, expected: 2);
                Assert.That(consumers, Has.Count.EqualTo(2), $"both instances subscribe to {queue}");
                Assert.That(consumers.Count(c => c == "single_active"), Is.EqualTo(1), $"one instance consumes {queue}");
                Assert.That(consumers.Count(c => c == "waiting"), Is.EqualTo(1), $"the other waits on {queue}");
            }

            await Stop(first);
            first = null;

            foreach (var queue in new[] { MatchingSetup.CargoCapacityQueue, MatchingSetup.TradeQueue })
                Assert.That(await Consumers(queue, expected: 1), Is.EqualTo(new[] { "single_active" }),
                    $"the instance left consumes {queue}");
        }
        finally
        {
            if (first is not null) await Stop(first);
            await Stop(second);
        }
    }

    /// <summary>An instance's bus with Matching's consumers, as the service configures them, on a private vhost.</summary>
    private static async Task<ServiceProvider> StartBrokerInstance()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(_ => NpgsqlDataSource.Create(ConnectionString));
        services.AddOutbox(typeof(TradeHub.Matching.Contracts.MatchProposed).Assembly);
        services.AddSingleton(new MatchingRules());
        services.AddSingleton<OpenOffers>();
        services.AddSingleton<Partitions>();
        services.AddMassTransit(x =>
        {
            x.AddMatchingConsumers();
            x.UsingRabbitMq((context, cfg) =>
            {
                cfg.Host("127.0.0.1", (ushort)RunningSystem.AmqpPort, VirtualHost, h =>
                {
                    h.Username("guest");
                    h.Password("guest");
                });
                cfg.ConfigureEndpoints(context);
            });
        });
        var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<IBusControl>().StartAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
        return provider;
    }

    private static async Task Stop(ServiceProvider instance)
    {
        await instance.GetRequiredService<IBusControl>().StopAsync();
        await instance.DisposeAsync();
    }

    /// <summary>The activity of the queue's consumers ("single_active", "waiting"), once the management API lists as many as expected.</summary>
    private static async Task<List<string>> Consumers(string queue, int expected)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{RunningSystem.ManagementPort}/api/") };
        http.DefaultRequestHeaders.Authorization =
            new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes("guest:guest")));
        List<string> activity = [];
        // The management API's figures lag the broker by its statistics interval.
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var json = await http.GetFromJsonAsync<JsonObject>($"queues/{Uri.EscapeDataString(VirtualHost)}/{queue}");
            Assert.That(json?["arguments"]?["x-single-active-consumer"]?.GetValue<bool>(), Is.True, $"{queue} is single-active-consumer");
            activity = (json?["consumer_details"]?.AsArray() ?? [])
                .Select(c => c?["activity_status"]?.GetValue<string>() ?? "").ToList();
            if (activity.Count == expected && activity.Contains("single_active")) break;
            await Task.Delay(200);
        }
        return activity;
    }
}
