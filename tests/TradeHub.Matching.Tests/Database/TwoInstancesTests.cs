using Dapper;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using TradeHub.Matching.Offers;
using static TradeHub.Matching.Tests.Database.Messages;

namespace TradeHub.Matching.Tests.Database;

/// <summary>
/// Two instances active at once over one database, as during a failover (the broker has moved a partition queue to
/// the second before the first has noticed it is gone), and the active instance dying mid-batch.
/// </summary>
public class TwoInstancesTests : ConsumerRig
{
    [Test]
    public async Task Two_trade_offers_that_only_match_each_other_arriving_at_once_on_two_instances_are_proposed_exactly_once(
        [Values(1, 2, 3, 4, 5)] int round)
    {
        var (other, otherHarness, otherConsumed) = await StartInstance();
        try
        {
            await Deliver(Logistics(1, 2000m));
            var seller = Trade("sell", "tianjin-textiles", "CNTSN", 1.00m);
            var buyer = Trade("buy", "minsk-garments", "UZTAS", 2.60m);

            await Task.WhenAll(
                Deliver(seller),
                Deliver(otherHarness, otherConsumed, buyer));

            Assert.That(await Scalar<long>("SELECT count(*) FROM matches WHERE offer_ids @> ARRAY[@Seller, @Buyer]::uuid[]",
                new { Seller = seller.TradeOfferId, Buyer = buyer.TradeOfferId }), Is.EqualTo(1), $"round {round}");
            Assert.That(await Outboxed("MatchProposed"), Is.EqualTo(1));
        }
        finally
        {
            await otherHarness.Stop();
            await other.DisposeAsync();
        }
    }

    [Test]
    public async Task A_cargo_offer_and_the_capacity_it_lacked_arriving_at_once_on_two_instances_are_proposed_exactly_once(
        [Values(1, 2, 3, 4, 5)] int round)
    {
        var (other, otherHarness, otherConsumed) = await StartInstance();
        try
        {
            var cargo = Cargo();
            await Deliver(China());
            var central = Central();

            await Task.WhenAll(
                Deliver(Routes(cargo)),
                Deliver(otherHarness, otherConsumed, central));

            Assert.That(await Scalar<long>("SELECT count(*) FROM matches WHERE offer_ids @> ARRAY[@Cargo, @Central]::uuid[]",
                new { Cargo = cargo.CargoOfferId, Central = central.CapacityOfferId }), Is.EqualTo(1), $"round {round}");
            Assert.That(await Outboxed("MatchProposed"), Is.EqualTo(1));
        }
        finally
        {
            await otherHarness.Stop();
            await other.DisposeAsync();
        }
    }

    [Test]
    public async Task A_confirmation_made_outside_the_partition_is_seen_by_the_partitions_next_batch()
    {
        await Deliver(China(containers: 2));
        await Deliver(Central(containers: 2));
        var first = Cargo(containers: 2);
        await Deliver(Routes(first));
        var match = await Scalar<Guid>("SELECT id FROM matches WHERE offer_ids @> ARRAY[@Id]", new { Id = first.CargoOfferId });

        // Confirmed over the API (by every party): the capacity's room is gone, in the tables only.
        foreach (var org in new[] { "tianjin-textiles", "china-rail", "kaz-rail" })
            Assert.That((await TradeHub.Matching.Matches.MatchLifecycle.Accept(Outbox, match, org, default)).Status, Is.EqualTo(200));
        Assert.That(await Scalar<string>("SELECT status FROM matches WHERE id = @Id", new { Id = match }), Is.EqualTo("confirmed"));

        var second = Cargo(containers: 2);
        await Deliver(Routes(second));

        Assert.That(await Scalar<long>("SELECT count(*) FROM matches WHERE offer_ids @> ARRAY[@Id]", new { Id = second.CargoOfferId }),
            Is.Zero, "the partition caught up with the confirmation: no room is left to propose");
    }

    [Test]
    public async Task The_active_instance_killed_mid_batch_loses_nothing_and_its_successor_proposes_nothing_twice()
    {
        var (first, firstHarness, firstConsumed) = await StartInstance();
        var stopped = false;
        try
        {
            await Deliver(firstHarness, firstConsumed, China(containers: 500));
            await Deliver(firstHarness, firstConsumed, Central(containers: 500));
            var cargo = Enumerable.Range(0, 20).Select(_ => Cargo()).ToList();
            var messages = cargo.Select(c => (object)Routes(c))
                .Select(m => (Message: m, Id: Guid.NewGuid())).ToList();
            var handled = messages.Take(messages.Count / 2).ToList();
            var inFlight = messages.Skip(messages.Count / 2).ToList();
            foreach (var (message, id) in handled)
            {
                await Send(firstHarness, message, id);
                var due = DateTime.UtcNow.AddSeconds(20);
                while (firstConsumed.Count(id) == 0 && DateTime.UtcNow < due) await Task.Delay(10);
                Assert.That(firstConsumed.Fault(id), Is.Null);
            }

            await using (var holder = new NpgsqlConnection(ConnectionString))
            {
                await holder.OpenAsync();
                await using var turn = await holder.BeginTransactionAsync();
                // The first instance's next batch begins and waits at the partition's turn: then its connection dies.
                await holder.ExecuteAsync("UPDATE partitions SET version = version + 1 WHERE name = @Name",
                    new { Name = Partitions.CargoCapacity }, turn);
                foreach (var (message, id) in inFlight)
                    await Send(firstHarness, message, id);
                var deadline = DateTime.UtcNow.AddSeconds(20);
                while (await Waiting(holder) == 0 && DateTime.UtcNow < deadline) await Task.Delay(50);
                Assert.That(await Waiting(holder), Is.GreaterThan(0), "the first instance is mid-batch");
                await holder.ExecuteAsync("""
                    SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                    WHERE datname = current_database() AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'
                    """);
                await firstHarness.Stop();
                await first.DisposeAsync();
                stopped = true;

                // The broker hands every unacknowledged message to the instance left, and may repeat acknowledged ones.
                foreach (var (message, id) in inFlight.Concat(handled))
                    await Send(Harness, message, id);
                await turn.CommitAsync();
            }

            var until = DateTime.UtcNow.AddSeconds(60);
            while (await Scalar<long>("SELECT count(*) FROM matches") < cargo.Count && DateTime.UtcNow < until)
                await Task.Delay(50);
            await Task.Delay(500); // nothing more may come
            var perOffer = await Query<long>("""
                SELECT count(m.id) FROM cargo_offers c LEFT JOIN matches m ON m.offer_ids @> ARRAY[c.id] GROUP BY c.id
                """);
            Assert.That(perOffer, Has.Count.EqualTo(cargo.Count), "every cargo offer was stored");
            Assert.That(perOffer, Has.All.EqualTo(1), "each cargo offer got its chain, once");
            Assert.That(await Outboxed("MatchProposed"), Is.EqualTo(cargo.Count), "each proposal announced once");
            Assert.That(await Scalar<long>("SELECT count(*) FROM cargo_routes"), Is.EqualTo(cargo.Count));
        }
        finally
        {
            if (!stopped)
            {
                await firstHarness.Stop();
                await first.DisposeAsync();
            }
        }
    }

    private static Task Send(ITestHarness harness, object message, Guid id) =>
        harness.Bus.Publish(message, message.GetType(), ctx => ctx.MessageId = id);

    private static Task<long> Waiting(NpgsqlConnection holder) => holder.ExecuteScalarAsync<long>("""
        SELECT count(*) FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'
        """);
}
