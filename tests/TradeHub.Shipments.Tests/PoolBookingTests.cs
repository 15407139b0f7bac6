using TradeHub.Pools.Contracts;
using TradeHub.Shipments.Contracts;

namespace TradeHub.Shipments.Tests;

public sealed class PoolBookingTests
{
    private static PoolMember Member(string org, Guid? cargoOfferId, int full, params int[] shared) => new()
    {
        MemberId = Guid.CreateVersion7(), Org = org, CargoOfferId = cargoOfferId, FullContainers = full,
        SharedContainers = shared.Length * 0.5m, SharedContainerNumbers = shared, WeightKg = 10_000m, PriceAmount = 1000m,
    };

    private static PoolFormed Formed(Scenario s, string operatorOrg, params PoolMember[] members) => new()
    {
        PoolId = Guid.CreateVersion7(), OperatorOrg = operatorOrg, From = "CNTSN", To = "UZTAS", DepartureDate = s.Ready,
        PlannedDeparture = s.At(0), PlannedArrival = s.At(170), ContainerType = "40HC", Containers = 3,
        PricePerContainerAmount = 2500m, PriceCurrency = "USD", Members = members, FormedAt = DateTimeOffset.UtcNow,
    };

    [Test]
    public async Task A_formed_pool_books_every_member_a_shipment_on_the_operators_train_once_however_often_it_is_delivered()
    {
        var s = new Scenario();
        await ShipmentsApp.Deliver(s.Routes());
        var operatorOrg = s.Carrier1;
        var withOffer = Member(s.Shipper, s.CargoOfferId, 2);
        var loose = Member(s.Stranger, null, 0, 1);
        var formed = Formed(s, operatorOrg, withOffer, loose);
        var message = Guid.NewGuid();

        await ShipmentsApp.Deliver(formed, message);
        await ShipmentsApp.Deliver(formed, message); // redelivered
        await ShipmentsApp.Deliver(formed); // the same pool under another message id

        Assert.That(await ShipmentsApp.Scalar<long>("SELECT count(*) FROM shipments WHERE pool_id = @Id", new { Id = formed.PoolId }),
            Is.EqualTo(2));
        using var shipper = ShipmentsApp.As(s.Shipper, "sme");
        var list = await Scenario.Get(shipper, "/api/shipments?limit=100");
        var mine = list.GetProperty("items").EnumerateArray().Single(x => x.GetProperty("poolId").GetString() == formed.PoolId.ToString());
        var legs = mine.GetProperty("legs");
        Assert.Multiple(() =>
        {
            Assert.That(mine.GetProperty("cargoOfferId").GetGuid(), Is.EqualTo(s.CargoOfferId));
            Assert.That(mine.GetProperty("carriers").EnumerateArray().Select(c => c.GetString()), Is.EqualTo(new[] { operatorOrg }));
            Assert.That(mine.GetProperty("deliverBy").GetString(), Is.EqualTo(s.DeliverBy.ToString("yyyy-MM-dd")), "the cargo offer's date");
            Assert.That(mine.GetProperty("containers").GetProperty("count").GetInt32(), Is.EqualTo(2));
            Assert.That(legs.GetArrayLength(), Is.EqualTo(1));
            Assert.That(legs[0].GetProperty("mode").GetString(), Is.EqualTo("rail"));
            Assert.That(legs[0].GetProperty("plannedDeparture").GetDateTimeOffset(), Is.EqualTo(s.At(0)));
            Assert.That(mine.GetProperty("plannedArrival").GetDateTimeOffset(), Is.EqualTo(s.At(170)));
        });
        var looseShipment = await ShipmentsApp.Scalar<Guid>("SELECT id FROM shipments WHERE pool_member_id = @Id", new { Id = loose.MemberId });
        using var looseShipper = ShipmentsApp.As(s.Stranger, "sme");
        var looseView = await Scenario.Get(looseShipper, $"/api/shipments/{looseShipment}");
        Assert.That(looseView.GetProperty("containers").GetProperty("count").GetInt32(), Is.EqualTo(1), "the one shared box it travels in");
        Assert.That(looseView.GetProperty("deliverBy").GetString(), Is.EqualTo(DateOnly.FromDateTime(s.At(170).UtcDateTime).ToString("yyyy-MM-dd")),
            "loose cargo names no date: due when the train arrives");
        Assert.That(await ShipmentsApp.WaitPublished<ShipmentBooked>(b => b.PoolId == formed.PoolId, count: 2), Is.EqualTo(2));
    }
}
