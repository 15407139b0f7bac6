using Dapper;
using MassTransit;
using Npgsql;
using TradeHub.Matching.Offers;
using TradeHub.Listings.Contracts;
using TradeHub.Routing.Contracts;
using static TradeHub.Matching.Tests.Database.Messages;

namespace TradeHub.Matching.Tests.Database;

/// <summary>Messages of a partition that arrive together share a transaction (Partitions); what that must not change.</summary>
public class BatchTests : ConsumerRig
{
    private const int CargoCount = 60;

    [Test]
    public async Task Cargo_posted_all_at_once_is_each_matched_once_and_one_bad_message_fails_alone()
    {
        await Deliver(China(containers: 500));
        await Deliver(Central(containers: 500));
        var cargo = Enumerable.Range(0, CargoCount).Select(_ => Cargo()).ToList();
        // A NUL in a text field is refused by PostgreSQL: this message fails in whatever batch it lands.
        var poisoned = Cargo(owner: "bad\0org");
        var poisonedId = Guid.NewGuid();

        await Task.WhenAll(cargo.Select(c => Harness.Bus.Publish(Routes(c)))
            .Append(Harness.Bus.Publish(Routes(poisoned), ctx => ctx.MessageId = poisonedId)));

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await Scalar<long>("SELECT count(*) FROM matches WHERE kind = 'cargo-capacity'") < CargoCount && DateTime.UtcNow < deadline)
            await Task.Delay(50);
        Assert.That(await Harness.Published.Any<Fault<CargoRoutesComputed>>(f => f.Context.Message.Message.CargoOfferId == poisoned.CargoOfferId),
            Is.True, "the bad message faulted");

        var perOffer = await Query<long>("""
            SELECT count(m.id) FROM cargo_offers c LEFT JOIN matches m ON m.offer_ids @> ARRAY[c.id] GROUP BY c.id
            """);
        Assert.That(perOffer, Has.Count.EqualTo(CargoCount), "every good cargo offer was stored, the bad one not");
        Assert.That(perOffer, Has.All.EqualTo(1), "each cargo offer got its one proposal, once");
        Assert.That(await Outboxed("MatchProposed"), Is.EqualTo(CargoCount));
        Assert.That(await Scalar<long>("SELECT count(*) FROM inbox WHERE message_id = @Id", new { Id = poisonedId }), Is.Zero,
            "the bad message is not recorded as handled, so it can be handled when redelivered");
    }

    [Test]
    public async Task Cargo_and_the_capacity_on_its_route_posted_at_the_same_moment_see_each_other([Values(1, 2, 3)] int round)
    {
        // Whichever is handled second (in a later batch, or later in the same one) sees the other in the index,
        // however the messages interleave. (Few enough cargo offers that new capacity proposes to all.)
        var cargo = Enumerable.Range(0, 12).Select(_ => Cargo()).ToList();
        IEnumerable<Task> posts = cargo.Select(c => Harness.Bus.Publish(Routes(c)))
            .Append(Harness.Bus.Publish(China(containers: 500)))
            .Append(Harness.Bus.Publish(Central(containers: 500)));
        await Task.WhenAll(round % 2 == 0 ? posts.Reverse() : posts);

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await Scalar<long>("SELECT count(*) FROM matches") < cargo.Count && DateTime.UtcNow < deadline)
            await Task.Delay(50);
        await Task.Delay(500); // nothing more may come
        var perOffer = await Query<long>("""
            SELECT count(m.id) FROM cargo_offers c LEFT JOIN matches m ON m.offer_ids @> ARRAY[c.id] GROUP BY c.id
            """);
        Assert.That(perOffer, Has.Count.EqualTo(cargo.Count));
        Assert.That(perOffer, Has.All.EqualTo(1), "each cargo offer got its chain, once");
    }

    [Test]
    public async Task Capacity_offers_that_arrive_together_chain_with_each_other()
    {
        var (cargo, capacity) = await CargoWaitingForCapacity();

        await Task.WhenAll(capacity.Select(c => Harness.Bus.Publish(c)));

        await WaitUntilStored(capacity.Count);
        await AssertEveryCargoChained(cargo, capacity);
    }

    [Test]
    public async Task A_bad_capacity_offer_among_others_that_arrive_together_fails_alone()
    {
        var (cargo, capacity) = await CargoWaitingForCapacity();
        var poisoned = Capacity("KZALT", "UZTAS", 5, 9, 3, "bad\0carrier");

        await Task.WhenAll(capacity.Append(poisoned).Select(c => Harness.Bus.Publish(c)));

        await WaitUntilStored(capacity.Count);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await Harness.Published.Any<Fault<CapacityOfferPosted>>(f => f.Context.Message.Message.CapacityOfferId == poisoned.CapacityOfferId)
               && DateTime.UtcNow < deadline)
            await Task.Delay(50);
        Assert.That(await Harness.Published.Any<Fault<CapacityOfferPosted>>(f => f.Context.Message.Message.CapacityOfferId == poisoned.CapacityOfferId),
            Is.True, "the bad message faulted");
        var chains = await AssertEveryCargoChained(cargo, capacity);
        Assert.That(chains.SelectMany(c => c), Has.None.EqualTo(poisoned.CapacityOfferId));
        Assert.That((await Index()).Read(i => i.CapacityCount), Is.EqualTo(capacity.Count), "the index holds the stored offers, not the refused one");
    }

    [Test]
    public async Task A_re_routing_queued_behind_its_earlier_routes_declines_what_they_proposed()
    {
        // Routes v1 (via Khorgos, where the capacity is) and v2 (via Dostyk, none there) of one cargo offer queue behind
        // another writer, so they usually share a batch, in that order. However they are batched, v1's proposal must end
        // declined by v2, not left open on a route the offer no longer has.
        var cargo = Cargo();
        await Deliver(China());
        await Deliver(Central());
        var decoy = Cargo();
        await using (var holder = new NpgsqlConnection(ConnectionString))
        {
            await holder.OpenAsync();
            await using var turn = await holder.BeginTransactionAsync();
            // Another writer holds the partition's row: the decoy's batch waits for it, and v1 and v2 queue behind.
            await holder.ExecuteAsync("UPDATE partitions SET version = version + 1 WHERE name = @Name", new { Name = Partitions.CargoCapacity }, turn);
            await Harness.Bus.Publish(Routes(decoy));
            await Task.Delay(300);
            await Harness.Bus.Publish(Routes(cargo, version: 1));
            await Task.Delay(100);
            await Harness.Bus.Publish(Routes(cargo, version: 2, viaKhorgos: false));
            await Task.Delay(500);
            await turn.CommitAsync();
        }

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await Scalar<long>("SELECT count(*) FROM cargo_routes WHERE version = 2") == 0 && DateTime.UtcNow < deadline)
            await Task.Delay(50);
        var statuses = await Query<string>("SELECT status FROM matches WHERE offer_ids @> ARRAY[@Id]", new { Id = cargo.CargoOfferId });
        Assert.That(statuses, Is.EqualTo(new[] { "declined" }), "v1 proposed the Khorgos chain, v2 declined it");
    }

    /// <summary>Cargo with routes and no capacity yet; then both halves of its chain, many times over.</summary>
    private async Task<(List<CargoOfferPosted> Cargo, List<CapacityOfferPosted> Capacity)> CargoWaitingForCapacity()
    {
        var cargo = Enumerable.Range(0, 4).Select(_ => Cargo()).ToList();
        foreach (var c in cargo)
        {
            await Deliver(Routes(c));
        }
        return (cargo, Enumerable.Range(0, 6).SelectMany(_ => new[] { China(), Central() }).ToList());
    }

    private async Task WaitUntilStored(int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await Scalar<long>("SELECT count(*) FROM capacity_offers") < count && DateTime.UtcNow < deadline)
            await Task.Delay(50);
        Assert.That(await Scalar<long>("SELECT count(*) FROM capacity_offers"), Is.EqualTo(count));
    }

    /// <summary>Each offer saw the ones handled before it: the halves that came together were chained.</summary>
    private async Task<List<Guid[]>> AssertEveryCargoChained(List<CargoOfferPosted> cargo, List<CapacityOfferPosted> capacity)
    {
        var chains = await Query<Guid[]>("SELECT offer_ids FROM matches WHERE kind = 'cargo-capacity'");
        Assert.That(chains, Has.All.Length.EqualTo(3), "cargo, the Chinese leg and the Central Asian leg");
        Assert.That(cargo.Select(c => chains.Count(m => m.Contains(c.CargoOfferId))), Has.All.GreaterThan(0), "every cargo offer got a chain");
        Assert.That(chains.SelectMany(c => c).Except(cargo.Select(c => c.CargoOfferId)), Is.SubsetOf(capacity.Select(c => c.CapacityOfferId)));
        Assert.That(chains.Select(c => string.Join(",", c.Order())).Distinct().Count(), Is.EqualTo(chains.Count), "no chain twice");
        return chains;
    }

    [Test]
    public async Task New_capacity_is_proposed_to_the_best_few_cargo_offers_only()
    {
        var rules = new TradeHub.Matching.CargoMatching.MatchingRules();
        await Deliver(China(containers: 500));
        var cargo = Enumerable.Range(0, rules.MaxProposalsPerNewCapacity + 5).Select(_ => Cargo()).ToList();
        foreach (var c in cargo)
        {
            await Deliver(Routes(c));
        }
        Assert.That(await Scalar<long>("SELECT count(*) FROM matches"), Is.Zero, "half a chain proposes nothing");

        await Deliver(Central(containers: 500));

        Assert.That(await Scalar<long>("SELECT count(*) FROM matches"), Is.EqualTo(rules.MaxProposalsPerNewCapacity));
        Assert.That(await Outboxed("MatchProposed"), Is.EqualTo(rules.MaxProposalsPerNewCapacity));
    }
}
