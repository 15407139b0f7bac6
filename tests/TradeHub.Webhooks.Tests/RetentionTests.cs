using Dapper;
using Npgsql;
using TradeHub.Testing;

namespace TradeHub.Webhooks.Tests;

/// <summary>
/// The delivery log is pruned: finished deliveries older than the retention (30 days by default) go with their
/// attempts and their events; newer ones and pending ones stay. Ages are set in the database, the sweep is the
/// service's own.
/// </summary>
public sealed class RetentionTests
{
    private const string DeliveryOfEventSql = """
        SELECT d.id FROM deliveries d JOIN webhook_events e ON e.id = d.event_id WHERE d.subscription_id = @Sub
        ORDER BY d.seq
        """;

    [Test]
    public async Task Finished_deliveries_past_the_retention_are_pruned_with_their_attempts_and_events_and_the_rest_stay()
    {
        await using var receiver = await WebhookReceiver.Started();
        await using var failing = await WebhookReceiver.Started(_ => new ReceiverAnswer(503));
        using var client = await WebhooksSystem.SignIn(WebhooksSystem.Org("retention"));
        var (id, _) = await client.Subscribe(receiver.Url);
        var (failingId, _) = await client.Subscribe(failing.Url);
        var old = await client.Ping(id);
        var recent = await client.Ping(id);
        await client.Ping(failingId);
        await receiver.Eventually(r => r.Select(x => x.Id).Distinct().Count() == 2, "both pings");
        await failing.Eventually(r => r.Count > 0, "a first attempt");

        await using var db = new NpgsqlConnection(TestDatabase.For(WebhooksSystem.System.DatabaseName("webhooks")));
        var deliveries = (await db.QueryAsync<Guid>(DeliveryOfEventSql, new { Sub = Guid.Parse(id) })).ToList();
        var pending = await db.QuerySingleAsync<Guid>(DeliveryOfEventSql, new { Sub = Guid.Parse(failingId) });
        Assert.That(deliveries, Has.Count.EqualTo(2));
        var (oldDelivery, recentDelivery) = (deliveries[0], deliveries[1]);
        var oldEvent = Guid.ParseExact(old["msg_".Length..], "N");
        var recentEvent = Guid.ParseExact(recent["msg_".Length..], "N");
        await Eventually(db, "SELECT count(*) = 2 FROM deliveries WHERE id = ANY(@Ids) AND status = 'succeeded'",
            new { Ids = deliveries.ToArray() }, "both pings recorded as succeeded");

        // One finished 31 days ago, one 29 days ago; the pending one was queued 40 days ago and is still retried.
        await db.ExecuteAsync("""
            UPDATE deliveries SET completed_at = now() - interval '31 days', created_at = now() - interval '31 days' WHERE id = @Old;
            UPDATE webhook_events SET occurred_at = now() - interval '31 days' WHERE id = @OldEvent;
            UPDATE deliveries SET completed_at = now() - interval '29 days', created_at = now() - interval '29 days' WHERE id = @Recent;
            UPDATE webhook_events SET occurred_at = now() - interval '29 days' WHERE id = @RecentEvent;
            UPDATE deliveries SET created_at = now() - interval '40 days' WHERE id = @Pending;
            """, new { Old = oldDelivery, OldEvent = oldEvent, Recent = recentDelivery, RecentEvent = recentEvent, Pending = pending });

        // A sweep deletes deliveries first, then the events left without one.
        await Eventually(db, """
            SELECT NOT EXISTS (SELECT 1 FROM deliveries WHERE id = @Id) AND NOT EXISTS (SELECT 1 FROM webhook_events WHERE id = @Event)
            """, new { Id = oldDelivery, Event = oldEvent }, "the delivery finished 31 days ago pruned, and its event");

        Assert.Multiple(async () =>
        {
            Assert.That(await db.ExecuteScalarAsync<int>("SELECT count(*) FROM delivery_attempts WHERE delivery_id = @Id", new { Id = oldDelivery }),
                Is.Zero, "its attempts");
            Assert.That(await db.ExecuteScalarAsync<int>("SELECT count(*) FROM webhook_events WHERE id = @Id", new { Id = oldEvent }),
                Is.Zero, "its event, which nothing else refers to");
            Assert.That(await db.ExecuteScalarAsync<int>("SELECT count(*) FROM deliveries WHERE id = @Id", new { Id = recentDelivery }),
                Is.EqualTo(1), "the delivery finished 29 days ago");
            Assert.That(await db.ExecuteScalarAsync<int>("SELECT count(*) FROM delivery_attempts WHERE delivery_id = @Id", new { Id = recentDelivery }),
                Is.EqualTo(1), "its attempt");
            Assert.That(await db.ExecuteScalarAsync<int>("SELECT count(*) FROM webhook_events WHERE id = @Id", new { Id = recentEvent }),
                Is.EqualTo(1), "its event");
            Assert.That(await db.ExecuteScalarAsync<int>("SELECT count(*) FROM deliveries WHERE id = @Id", new { Id = pending }),
                Is.EqualTo(1), "a pending delivery, however old");
            Assert.That((await client.Deliveries(id)).Select(d => d!["webhookId"]!.GetValue<string>()), Is.EqualTo(new[] { recent }),
                "the log the organisation sees");
        });
    }

    private static async Task Eventually(NpgsqlConnection db, string sql, object args, string what)
    {
        // A few sweeps of the test system's (one a second).
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!await db.ExecuteScalarAsync<bool>(sql, args))
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"Never saw {what}");
            await Task.Delay(200);
        }
    }
}
