using MassTransit;
using TradeHub.Listings.Contracts;
using static TradeHub.Matching.Tests.Database.Messages;

namespace TradeHub.Matching.Tests.Database;

/// <summary>Cargo messages that wait for the turn together share a transaction (MatchingTurn); these pin what that must not change.</summary>
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

        await Task.WhenAll(cargo.Select(c => Harness.Bus.Publish(c))
            .Concat(cargo.Select(c => Harness.Bus.Publish(Routes(c.CargoOfferId))))
            .Append(Harness.Bus.Publish(poisoned, ctx => ctx.MessageId = poisonedId)));

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await Scalar<long>("SELECT count(*) FROM matches WHERE kind = 'cargo-capacity'") < CargoCount && DateTime.UtcNow < deadline)
            await Task.Delay(50);
        Assert.That(await Harness.Published.Any<Fault<CargoOfferPosted>>(f => f.Context.Message.Message.CargoOfferId == poisoned.CargoOfferId),
            Is.True, "the bad message faulted");

        var perOffer = await Query<long>("""
            SELECT count(m.id) FROM cargo_offers c LEFT JOIN matches m ON m.offer_ids @> ARRAY[c.id] GROUP BY c.id
            """);
        Assert.That(perOffer, Has.Count.EqualTo(CargoCount), "every good cargo offer was stored, the bad one not");
        Assert.That(perOffer, Has.All.EqualTo(1), "each cargo offer got its one proposal, once");
        Assert.That(await Outboxed("MatchProposed"), Is.EqualTo(CargoCount));
        TestContext.Out.WriteLine($"transactions that stored the cargo: {await Scalar<long>("SELECT count(DISTINCT xmin::text) FROM cargo_offers")}");
        Assert.That(await Scalar<long>("SELECT count(*) FROM inbox WHERE message_id = @Id", new { Id = poisonedId }), Is.Zero,
            "the bad message is not recorded as handled, so it can be handled when redelivered");
    }

    [Test]
    public async Task New_capacity_is_proposed_to_the_best_few_cargo_offers_only()
    {
        var rules = new TradeHub.Matching.CargoMatching.MatchingRules();
        await Deliver(China(containers: 500));
        var cargo = Enumerable.Range(0, rules.MaxProposalsPerNewCapacity + 5).Select(_ => Cargo()).ToList();
        foreach (var c in cargo)
        {
            await Deliver(c);
            await Deliver(Routes(c.CargoOfferId));
        }
        Assert.That(await Scalar<long>("SELECT count(*) FROM matches"), Is.Zero, "half a chain proposes nothing");

        await Deliver(Central(containers: 500));

        Assert.That(await Scalar<long>("SELECT count(*) FROM matches"), Is.EqualTo(rules.MaxProposalsPerNewCapacity));
        Assert.That(await Outboxed("MatchProposed"), Is.EqualTo(rules.MaxProposalsPerNewCapacity));
    }
}
