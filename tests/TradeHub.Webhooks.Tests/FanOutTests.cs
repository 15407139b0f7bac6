using Dapper;
using Npgsql;
using TradeHub.Testing;
using TradeHub.Webhooks.Events;

namespace TradeHub.Webhooks.Tests;

/// <summary>
/// The statement that records a batch of bus messages in the inbox and queues their deliveries (what the event
/// consumers run for each batch), against the service's own database while the service delivers.
/// </summary>
public sealed class FanOutTests
{
    private const string Consumer = "webhooks.fan-out-test";

    [Test]
    public async Task A_batch_queues_each_wanted_message_once_and_a_redelivered_or_unwanted_one_leaves_nothing()
    {
        await using var receiver = await WebhookReceiver.Started();
        var org = WebhooksSystem.Org("batch");
        using var client = await WebhooksSystem.SignIn(org);
        var (id, _) = await client.Subscribe(receiver.Url, EventTypes.RoutesChanged);
        var (first, unwanted, second, third) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());

        await using var db = new NpgsqlConnection(TestDatabase.For(WebhooksSystem.System.DatabaseName("webhooks")));
        await db.OpenAsync();
        Assert.That(await FanOut([Event(first, org), Event(unwanted, WebhooksSystem.Org("nobody")), Event(second, org)]), Is.EqualTo(2));
        // The next batch holds a redelivery of the first message: only the new one is queued.
        Assert.That(await FanOut([Event(first, org), Event(third, org)]), Is.EqualTo(1));

        var webhookIds = new[] { first, second, third }.Select(g => $"msg_{g:N}").ToList();
        await receiver.Eventually(r => webhookIds.All(w => r.Any(x => x.Id == w)), "the three wanted events");
        Assert.Multiple(async () =>
        {
            Assert.That(receiver.DeliveredIds(), Is.EqualTo(webhookIds), "each once, in the order queued");
            Assert.That(await db.QueryAsync<Guid>("SELECT message_id FROM inbox WHERE consumer = @Consumer ORDER BY message_id",
                new { Consumer }), Is.EquivalentTo(new[] { first, second, third }), "the unwanted message is not recorded");
            Assert.That(await db.ExecuteScalarAsync<int>("SELECT count(*) FROM webhook_events WHERE id = @Id", new { Id = unwanted }),
                Is.Zero, "nor kept");
            Assert.That((await client.Deliveries(id)).Count, Is.EqualTo(3));
        });

        async Task<int> FanOut(IReadOnlyList<(Guid, IEnumerable<string>, DateTimeOffset, object)> events)
        {
            await using var tx = await db.BeginTransactionAsync();
            var queued = await WebhookEvent.FanOutOnce(db, tx, Consumer, EventTypes.RoutesChanged, events);
            await tx.CommitAsync();
            return queued;
        }
    }

    private static (Guid, IEnumerable<string>, DateTimeOffset, object) Event(Guid id, string org) =>
        (id, [org], DateTimeOffset.UtcNow, new { cargoOfferId = id });
}
