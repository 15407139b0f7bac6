using TradeHub.Shipments.Contracts;

namespace TradeHub.Shipments.Tests;

public sealed class BookingTests
{
    private static Task<long> Shipments(Guid cargoOfferId) =>
        ShipmentsApp.Scalar<long>("SELECT count(*) FROM shipments WHERE cargo_offer_id = @Id", new { Id = cargoOfferId });

    [Test]
    public async Task A_confirmed_match_books_a_shipment_over_the_match_legs_with_times_planned_from_windows_and_route_hours()
    {
        var s = new Scenario();
        var id = await s.BookByMatch();

        using var shipper = ShipmentsApp.As(s.Shipper, "sme");
        var shipment = await Scenario.Get(shipper, $"/api/shipments/{id}");
        var legs = shipment.GetProperty("legs");
        Assert.Multiple(() =>
        {
            Assert.That(shipment.GetProperty("status").GetString(), Is.EqualTo("booked"));
            Assert.That(shipment.GetProperty("shipper").GetString(), Is.EqualTo(s.Shipper));
            Assert.That(shipment.GetProperty("matchId").GetGuid(), Is.EqualTo(s.MatchId));
            Assert.That(legs.GetArrayLength(), Is.EqualTo(2));
            Assert.That(legs[0].GetProperty("carrier").GetString(), Is.EqualTo(s.Carrier1));
            Assert.That(legs[1].GetProperty("carrier").GetString(), Is.EqualTo(s.Carrier2));
            // Carrier 1's window opens on day 1; 60 route hours to Khorgos.
            Assert.That(legs[0].GetProperty("plannedDeparture").GetDateTimeOffset(), Is.EqualTo(s.At(24)));
            Assert.That(legs[0].GetProperty("plannedArrival").GetDateTimeOffset(), Is.EqualTo(s.At(84)));
            // Carrier 2's window opens on day 5; 30 + 50 route hours (the crossing included) to Tashkent.
            Assert.That(legs[1].GetProperty("plannedDeparture").GetDateTimeOffset(), Is.EqualTo(s.At(120)));
            Assert.That(shipment.GetProperty("plannedArrival").GetDateTimeOffset(), Is.EqualTo(s.At(200)));
        });
        Assert.That(await ShipmentsApp.WaitPublished<ShipmentBooked>(b => b.ShipmentId == id), Is.EqualTo(1));
    }

    [Test]
    public async Task Messages_in_any_order_and_twice_book_exactly_one_shipment()
    {
        var s = new Scenario();
        var matchMessage = Guid.NewGuid();
        await ShipmentsApp.Deliver(s.Match(), matchMessage);
        await ShipmentsApp.Deliver(s.CapacitySecond());
        Assert.That(await Shipments(s.CargoOfferId), Is.Zero, "the cargo offer and a capacity offer are still missing");
        await ShipmentsApp.Deliver(s.Routes());
        Assert.That(await Shipments(s.CargoOfferId), Is.Zero, "a capacity offer is still missing");
        await ShipmentsApp.Deliver(s.CapacityFirst());
        Assert.That(await Shipments(s.CargoOfferId), Is.EqualTo(1));

        await ShipmentsApp.Deliver(s.Match(), matchMessage); // redelivered
        await ShipmentsApp.Deliver(s.Match()); // the same deal under another message id
        await ShipmentsApp.Deliver(s.CapacityFirst());
        Assert.That(await Shipments(s.CargoOfferId), Is.EqualTo(1));
        Assert.That(await ShipmentsApp.Scalar<long>("SELECT count(*) FROM pending_deals WHERE cargo_offer_id = @Id",
            new { Id = s.CargoOfferId }), Is.Zero);
    }

    [Test]
    public async Task Routes_taken_together_keep_each_offers_highest_version_and_complete_a_deal_waiting_for_them()
    {
        var waiting = new Scenario();
        await ShipmentsApp.Deliver(waiting.Match());
        await ShipmentsApp.Deliver(waiting.CapacityFirst());
        await ShipmentsApp.Deliver(waiting.CapacitySecond());
        var rerouted = new Scenario();
        var first = Guid.NewGuid();

        // Published at once, so the consumer takes several in one batch: both versions of one offer's routes (the
        // second first), a redelivery, and the routes the waiting deal lacks.
        await ShipmentsApp.DeliverAll(
            (rerouted.Routes() with { Version = 2, Reason = "disruption" }, Guid.NewGuid()),
            (rerouted.Routes(), first), (rerouted.Routes(), first), (waiting.Routes(), Guid.NewGuid()));

        Assert.Multiple(async () =>
        {
            Assert.That(await ShipmentsApp.Scalar<long>("SELECT version FROM cargo_routes WHERE cargo_offer_id = @Id",
                new { Id = rerouted.CargoOfferId }), Is.EqualTo(2));
            Assert.That(await ShipmentsApp.Scalar<long>("SELECT count(*) FROM cargo_offers WHERE id = @Id",
                new { Id = rerouted.CargoOfferId }), Is.EqualTo(1));
            Assert.That(await Shipments(waiting.CargoOfferId), Is.EqualTo(1), "the deal that waited for its routes");
        });
    }

    [Test]
    public async Task An_awarded_bid_books_the_bids_carrier_on_every_leg_of_its_route()
    {
        var s = new Scenario();
        await ShipmentsApp.Deliver(s.Bid(Guid.CreateVersion7(), "r-alashankou"));
        await ShipmentsApp.Deliver(s.Routes());
        var id = await ShipmentsApp.Scalar<Guid>("SELECT id FROM shipments WHERE cargo_offer_id = @Id", new { Id = s.CargoOfferId });

        using var carrier = ShipmentsApp.As(s.Carrier1, "carrier");
        var legs = (await Scenario.Get(carrier, $"/api/shipments/{id}")).GetProperty("legs");
        Assert.That(legs.EnumerateArray().Select(l => l.GetProperty("to").GetString()), Is.EqualTo(new[] { "CNALK", "KZDOS", "UZTAS" }));
        Assert.That(legs.EnumerateArray().Select(l => l.GetProperty("carrier").GetString()).Distinct(), Is.EqualTo(new[] { s.Carrier1 }));
        Assert.That(legs[2].GetProperty("plannedArrival").GetDateTimeOffset(), Is.EqualTo(s.At(150)));
    }

    [Test]
    public async Task An_awarded_bid_without_a_known_route_takes_the_offers_best_route()
    {
        var s = new Scenario();
        await ShipmentsApp.Deliver(s.Routes());
        await ShipmentsApp.Deliver(s.Bid(Guid.CreateVersion7(), routeId: null));
        var id = await ShipmentsApp.Scalar<Guid>("SELECT id FROM shipments WHERE cargo_offer_id = @Id", new { Id = s.CargoOfferId });
        using var shipper = ShipmentsApp.As(s.Shipper, "sme");
        var legs = (await Scenario.Get(shipper, $"/api/shipments/{id}")).GetProperty("legs");
        Assert.That(legs[0].GetProperty("to").GetString(), Is.EqualTo("CNKHG"));
    }

    [Test]
    public async Task A_trade_match_books_nothing()
    {
        var s = new Scenario();
        await ShipmentsApp.Deliver(s.Routes());
        await ShipmentsApp.Deliver(s.Match() with { Kind = "trade", Legs = [] });
        Assert.That(await Shipments(s.CargoOfferId), Is.Zero);
    }
}
