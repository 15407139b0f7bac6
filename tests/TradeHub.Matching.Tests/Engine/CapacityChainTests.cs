using TradeHub.Matching.CargoMatching;
using TradeHub.Matching.Offers;
using static TradeHub.Matching.Tests.Engine.Corridor;

namespace TradeHub.Matching.Tests.Engine;

public class CapacityChainTests
{
    [Test]
    public void Two_carriers_chain_across_the_Khorgos_Altynkol_crossing()
    {
        var china = Capacity("CNTSN", "CNKHG", 0, 2, 5, carrier: "china-rail");
        var central = Capacity("KZALT", "UZTAS", 5, 9, 3, carrier: "kaz-rail");

        var matches = CapacityChains.Best(Cargo(), [TianjinTashkent], Lanes(china, central), Rules, 3);

        Assert.That(matches, Has.Count.EqualTo(1));
        var chain = matches[0].Chain;
        Assert.That(chain.Segments.Select(s => s.Capacity.Id), Is.EqualTo(new[] { china.Id, central.Id }));
        Assert.That(chain.BridgedLegs, Is.EqualTo(new[] { 2 }));
        // Arrives at Khorgos day 5, 6 hours across, departs Altynkol day 5, three days on.
        Assert.That(chain.Segments[1].Departs, Is.EqualTo(Ready.AddDays(5)));
        Assert.That(chain.Arrives, Is.EqualTo(Ready.AddDays(8)));
        Assert.That(matches[0].Explanation, Has.Some.Contains("changes carrier at the border crossing and gauge change CNKHG -> KZALT"));
    }

    [Test]
    public void A_gap_that_is_not_a_crossing_cannot_be_bridged()
    {
        var toXian = Capacity("CNTSN", "CNXIY", 0, 2, 2);
        var central = Capacity("KZALT", "UZTAS", 3, 9, 3);

        var matches = CapacityChains.Best(Cargo(), [TianjinTashkent], Lanes(toXian, central), Rules, 3);

        Assert.That(matches, Is.Empty);
    }

    [Test]
    public void A_window_that_does_not_line_up_breaks_the_chain()
    {
        // The cargo reaches Altynkol on day 5; the window opens on day 10, beyond the 3-day slack.
        var china = Capacity("CNTSN", "CNKHG", 0, 2, 5);
        var lateCentral = Capacity("KZALT", "UZTAS", 10, 14, 3);

        var matches = CapacityChains.Best(Cargo(), [TianjinTashkent], Lanes(china, lateCentral), Rules, 3);

        Assert.That(matches, Is.Empty);
    }

    [Test]
    public void Partial_coverage_is_not_proposed()
    {
        var china = Capacity("CNTSN", "CNKHG", 0, 2, 5);

        var matches = CapacityChains.Best(Cargo(), [TianjinTashkent], Lanes(china), Rules, 3);

        Assert.That(matches, Is.Empty);
    }

    [Test]
    public void A_crossing_is_not_bridged_at_the_start_of_a_route()
    {
        var route = new CargoRoute("r2",
        [
            new Leg("CNKHG", "KZALT", "rail", 6, 10, true, true),
            new Leg("KZALT", "UZTAS", "rail", 54, 1130, false, false),
        ]);
        var central = Capacity("KZALT", "UZTAS", 0, 5, 3);

        var matches = CapacityChains.Best(Cargo(), [route], Lanes(central), Rules, 3);

        Assert.That(matches, Is.Empty);
    }

    [Test]
    public void Three_segments_chain_when_lanes_meet_at_a_node()
    {
        var china = Capacity("CNTSN", "CNKHG", 0, 2, 5);
        var toAlmaty = Capacity("KZALT", "KZALA", 5, 7, 1);
        var toTashkent = Capacity("KZALA", "UZTAS", 6, 9, 2);

        var matches = CapacityChains.Best(Cargo(), [TianjinTashkent], Lanes(china, toAlmaty, toTashkent), Rules, 3);

        Assert.That(matches, Has.Count.EqualTo(1));
        Assert.That(matches[0].Chain.Segments, Has.Count.EqualTo(3));
        Assert.That(matches[0].Explanation[0], Is.EqualTo("covers 5 of 5 legs with 3 capacity offers from 1 carrier"));
    }

    [Test]
    public void Only_the_best_few_are_proposed_best_first()
    {
        var offers = Enumerable.Range(0, 6)
            .Select(i => Capacity("CNTSN", "UZTAS", 0, 3, 8, carrier: $"carrier-{i}", price: 1000m + 100 * i)).ToArray();
        var direct = new CargoRoute("direct", [new Leg("CNTSN", "UZTAS", "rail", 168, 5000, false, false)]);

        var matches = CapacityChains.Best(Cargo(target: 3000m), [direct], Lanes(offers), Rules, 3);

        Assert.That(matches, Has.Count.EqualTo(3));
        Assert.That(matches.Select(m => m.Score), Is.Ordered.Descending);
        Assert.That(matches[0].Chain.Segments[0].Capacity.CarrierOrg, Is.EqualTo("carrier-0"));
    }

    [Test]
    public void A_new_capacity_offer_finds_cargo_through_the_node_index_and_chains_with_open_capacity()
    {
        var index = new OfferIndex();
        var cargo = Cargo();
        index.PutCargo(cargo);
        index.PutRoutes(cargo.Id, [TianjinTashkent]);
        index.PutCapacity(Capacity("CNTSN", "CNKHG", 0, 2, 5, carrier: "china-rail"));
        var elsewhere = Cargo();
        index.PutCargo(elsewhere);
        index.PutRoutes(elsewhere.Id, [new CargoRoute("x", [new Leg("BYMSQ", "PLWAW", "rail", 20, 500, true, true)])]);

        var central = Capacity("KZALT", "UZTAS", 5, 9, 3, carrier: "kaz-rail");
        var matches = index.MatchCapacity(central, Rules, 3);

        Assert.That(matches, Has.Count.EqualTo(1));
        Assert.That(matches[0].Chain.Cargo.Id, Is.EqualTo(cargo.Id));
        Assert.That(matches[0].Chain.OfferIds, Does.Contain(central.Id));
    }

    [Test]
    public void Cargo_offers_on_the_same_routes_share_one_copy_that_leaves_with_the_last_of_them()
    {
        var index = new OfferIndex();
        var first = Cargo();
        var second = Cargo();
        foreach (var c in new[] { first, second })
        {
            index.PutCargo(c);
            // Each message brings its own copy of the routes; equal by value, they are kept once.
            index.PutRoutes(c.Id, [TianjinTashkent with { Legs = [.. TianjinTashkent.Legs.Select(l => l with { })] }]);
        }
        Assert.That(index.RoutesOf(second.Id), Is.SameAs(index.RoutesOf(first.Id)));

        var central = Capacity("KZALT", "UZTAS", 5, 9, 3, carrier: "kaz-rail");
        index.PutCapacity(Capacity("CNTSN", "CNKHG", 0, 2, 5, carrier: "china-rail"));
        Assert.That(index.MatchCapacity(central, Rules, 3).Select(m => m.Chain.Cargo.Id), Is.EquivalentTo(new[] { first.Id, second.Id }));

        // Re-routed away from Altynkol: the first leaves the shared set, the second is still found there.
        index.PutRoutes(first.Id, [new CargoRoute("x", [new Leg("BYMSQ", "PLWAW", "rail", 20, 500, true, true)])]);
        Assert.That(index.MatchCapacity(central, Rules, 3).Select(m => m.Chain.Cargo.Id), Is.EqualTo(new[] { second.Id }));
        Assert.That(index.RoutesOf(first.Id).Single().RouteId, Is.EqualTo("x"));

        // The last one closes: nothing is found at Altynkol, and the routes come back whole when it is posted again.
        index.RemoveCargoWithRoutes(second.Id);
        Assert.That(index.MatchCapacity(central, Rules, 3), Is.Empty);
        index.PutCargo(second);
        index.PutRoutes(second.Id, [TianjinTashkent]);
        Assert.That(index.RoutesOf(second.Id).Single().Legs, Is.EqualTo(TianjinTashkent.Legs));
        Assert.That(index.MatchCapacity(central, Rules, 3).Select(m => m.Chain.Cargo.Id), Is.EqualTo(new[] { second.Id }));
    }

    [Test]
    public void The_quick_room_and_window_check_of_a_new_capacity_offer_never_hides_a_chain()
    {
        // Cargo with varied days, sizes and types along one route; new offers at Altynkol with windows from well
        // before to well after; every offer must find through the index exactly the chains found by asking every cargo.
        var random = new Random(20261129);
        var index = new OfferIndex();
        var china = Capacity("CNTSN", "CNKHG", -10, 30, 5, carrier: "china-rail");
        index.PutCapacity(china);
        var shipments = Enumerable.Range(0, 60).Select(_ => Cargo(
                containers: random.Next(1, 5), type: random.Next(4) == 0 ? "20GP" : "40GP",
                deliverWithinDays: random.Next(6, 25)) with { ReadyDate = Ready.AddDays(random.Next(-3, 6)) })
            .Select(c => c with { DeliverBy = c.DeliverBy.AddDays(c.ReadyDate.DayNumber - Ready.DayNumber) }).ToList();
        foreach (var c in shipments)
        {
            index.PutCargo(c);
            index.PutRoutes(c.Id, [TianjinTashkent]);
        }

        var found = new List<int>();
        for (var i = 0; i < 300; i++)
        {
            var opens = random.Next(-8, 30);
            var central = Capacity("KZALT", "UZTAS", opens, opens + random.Next(0, 6), 3, carrier: "kaz-rail",
                containers: random.Next(1, 5), type: random.Next(4) == 0 ? "20GP" : "40HC");
            var everyCargo = shipments.Sum(c =>
                CapacityChains.Best(c, [TianjinTashkent], Lanes(china, central), Rules, 3, central.Id).Count);
            Assert.That(index.MatchCapacity(central, Rules, 3), Has.Count.EqualTo(everyCargo), $"offer {i}: {central}");
            found.Add(everyCargo);
        }
        Assert.That(found, Has.Some.EqualTo(0).And.Some.GreaterThan(5), "the offers include ones that fit many and none");
    }

    [Test]
    public void Confirmed_room_leaves_the_index_when_a_capacity_offer_is_full()
    {
        var index = new OfferIndex();
        var offer = Capacity("CNTSN", "CNKHG", 0, 2, 5);
        index.PutCapacity(offer);
        index.PutCapacity(offer with { Containers = 0 });

        Assert.That(index.OnLane(offer.Lane), Is.Empty);
        Assert.That(index.CapacityCount, Is.Zero);
    }
}
