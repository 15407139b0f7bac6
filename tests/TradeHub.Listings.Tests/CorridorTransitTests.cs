using TradeHub.Listings.Common;

namespace TradeHub.Listings.Tests;

/// <summary>The transit time the capacity of a tender award takes from the corridor network.</summary>
public class CorridorTransitTests
{
    private static readonly CorridorTransit Network = new(
    [
        ("AAAAA", "BBBBB", "rail", 30), ("BBBBB", "CCCCC", "rail", 30), ("CCCCC", "AAAAA", "road", 20),
    ]);

    [Test]
    public void The_fastest_path_in_the_lanes_mode_is_rounded_up_to_whole_days()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Network.Days("AAAAA", "CCCCC", "rail"), Is.EqualTo(3), "60 h by rail");
            Assert.That(Network.Days("CCCCC", "AAAAA", "road"), Is.EqualTo(1), "a leg is usable both ways");
            Assert.That(Network.Days("BBBBB", "AAAAA", null), Is.EqualTo(2), "any mode: 30 h rail, no faster way");
        });
    }

    [Test]
    public void A_mode_that_does_not_connect_the_lane_falls_back_to_any_mode_and_an_unconnected_lane_has_no_time()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Network.Days("AAAAA", "CCCCC", "sea"), Is.EqualTo(1));
            Assert.That(Network.Days("AAAAA", "ZZZZZ", "rail"), Is.Null);
        });
    }

    [Test]
    public void Tianjin_to_tashkent_by_rail_takes_days_not_one()
    {
        var days = CorridorTransit.FromEmbeddedCorridorData().Days("CNTSN", "UZTAS", "rail");
        Assert.That(days, Is.InRange(4, 30));
    }
}
