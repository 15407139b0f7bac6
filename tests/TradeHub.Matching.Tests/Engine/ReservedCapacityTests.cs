using TradeHub.Matching.CargoMatching;
using static TradeHub.Matching.Tests.Engine.Corridor;

namespace TradeHub.Matching.Tests.Engine;

/// <summary>Capacity a tender awarded to a shipper: proposed only for that shipper's cargo, and before other capacity.</summary>
public class ReservedCapacityTests
{
    [Test]
    public void Capacity_reserved_for_another_shipper_is_never_proposed()
    {
        var reserved = Capacity("CNTSN", "UZTAS", 0, 3, 8) with { ReservedFor = "another-shipper" };

        var matches = CapacityChains.Best(Cargo(), [TianjinTashkent], Lanes(reserved), Rules, 3);

        Assert.That(matches, Is.Empty);
    }

    [Test]
    public void Capacity_reserved_for_the_cargos_owner_is_proposed_first_even_when_open_capacity_scores_higher()
    {
        // The open offer departs on the ready date; the reserved one two days later, which scores lower on timing.
        var open = Capacity("CNTSN", "UZTAS", 0, 3, 8, carrier: "open-rail");
        var reserved = Capacity("CNTSN", "UZTAS", 2, 5, 8, carrier: "tender-winner") with { ReservedFor = "tianjin-textiles" };

        var matches = CapacityChains.Best(Cargo(), [TianjinTashkent], Lanes(open, reserved), Rules, 3);

        Assert.That(matches, Has.Count.EqualTo(2));
        Assert.That(matches[0].Score, Is.LessThan(matches[1].Score), "the test needs the reserved chain to score lower");
        Assert.That(matches[0].Chain.Segments[0].Capacity.CarrierOrg, Is.EqualTo("tender-winner"));
        Assert.That(matches[0].Explanation, Has.Some.EqualTo("uses capacity a tender awarded to the shipper"));
    }
}
