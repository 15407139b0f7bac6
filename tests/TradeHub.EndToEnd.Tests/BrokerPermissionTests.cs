using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;
using TradeHub.Testing;

namespace TradeHub.EndToEnd.Tests;

/// <summary>
/// The running system's services connect as their own RabbitMQ users (deploy/rabbitmq/permissions.tsv), and those
/// users reach only what their service needs: the gateway, facing the internet, cannot put a message on the bus.
/// </summary>
public class BrokerPermissionTests
{
    private const int AccessRefused = 403;

    private static BrokerUser User(string service) => TestBroker.ServiceUsers[service];

    private static ConnectionFactory Factory(BrokerUser user) => new()
    {
        HostName = "127.0.0.1",
        Port = RunningSystem.AmqpPort,
        VirtualHost = TradeHubSystem.System.VirtualHost,
        UserName = user.Name,
        Password = user.Password,
    };

    /// <summary>Runs a channel operation; the reply code the broker closed the channel with, or null if it stayed open.</summary>
    private static async Task<ushort?> Closed(BrokerUser user, Func<IChannel, Task> operation)
    {
        await using var connection = await Factory(user).CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        try
        {
            await operation(channel);
            // A round trip that needs no permission: a refused publish has closed the channel by the time it answers.
            await channel.BasicQosAsync(0, 1, false);
        }
        catch (OperationInterruptedException) { }
        return channel.CloseReason?.ReplyCode;
    }

    private static Task<ushort?> Publish(BrokerUser user, string exchange, string routingKey = "") =>
        Closed(user, c => c.BasicPublishAsync(exchange, routingKey, "{}"u8.ToArray()).AsTask());

    [Test]
    public async Task The_gateway_user_cannot_publish_an_event_to_a_service_exchange()
    {
        Assert.That(await Publish(User("gateway"), "TradeHub.Matching.Contracts:MatchConfirmed"), Is.EqualTo(AccessRefused));
        Assert.That(await Publish(User("gateway"), "TradeHub.Listings.Contracts:CargoOfferPosted"), Is.EqualTo(AccessRefused));
    }

    [Test]
    public async Task The_gateway_user_cannot_reach_a_service_queue_directly()
    {
        Assert.That(await Publish(User("gateway"), "listings-match-confirmed"), Is.EqualTo(AccessRefused), "the endpoint's exchange");
        Assert.That(await Publish(User("gateway"), "", "listings-match-confirmed"), Is.EqualTo(AccessRefused), "the default exchange");
        Assert.That(await Closed(User("gateway"), c => c.BasicConsumeAsync("listings-match-confirmed", false, new AsyncEventingBasicConsumer(c))),
            Is.EqualTo(AccessRefused), "consuming another service's queue");
    }

    [Test]
    public async Task The_gateway_user_can_declare_and_read_its_own_live_events_queue()
    {
        var queue = $"gateway-events-permission-test-{Guid.NewGuid():N}";
        Assert.That(await Closed(User("gateway"), async c =>
        {
            await c.QueueDeclareAsync(queue, durable: false, exclusive: true, autoDelete: true);
            await c.BasicConsumeAsync(queue, true, new AsyncEventingBasicConsumer(c));
        }), Is.Null);
    }

    [Test]
    public async Task A_service_user_publishes_its_own_events_but_cannot_forge_another_services()
    {
        var own = $"TradeHub.Listings.Contracts:PermissionTest{Guid.NewGuid():N}";
        Assert.That(await Closed(User("listings"), async c =>
        {
            await c.ExchangeDeclareAsync(own, ExchangeType.Fanout, durable: false, autoDelete: true);
            await c.BasicPublishAsync(own, "", "{}"u8.ToArray());
            await c.ExchangeDeleteAsync(own);
        }), Is.Null, "its own contract's exchange");
        Assert.That(await Publish(User("listings"), "TradeHub.Matching.Contracts:MatchConfirmed"), Is.EqualTo(AccessRefused),
            "Listings must not forge Matching's MatchConfirmed");
        Assert.That(await Publish(User("routing"), "TradeHub.Listings.Contracts:CargoOfferPosted"), Is.EqualTo(AccessRefused),
            "Routing must not forge Listings' CargoOfferPosted");
    }
}
