using TradeHub.Hosting.Corridors;

namespace TradeHub.Hosting.Tests;

/// <summary>The corridor data services use to check a place or estimate a lane without asking Routing.</summary>
public class CorridorTransitTests
{
    private static readonly CorridorTransit Network = new(
    [
        ("AAAAA", "BBBBB", "rail", 30), ("BBBBB", "CCCCC", "rail", 30), ("CCCCC", "AAAAA", "road", 20),
    ]);

    [Test]
    public void The_fastest_path_in_the_lanes_mode_is_found_and_legs_are_usable_both_ways()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Network.Hours("AAAAA", "CCCCC", "rail"), Is.EqualTo(60));
            Assert.That(Network.Hours("CCCCC", "AAAAA", "road"), Is.EqualTo(20));
            Assert.That(Network.Hours("BBBBB", "AAAAA", null), Is.EqualTo(30), "any mode: 30 h rail, no faster way");
        });
    }

    [Test]
    public void A_mode_that_does_not_connect_the_lane_falls_back_to_any_mode_and_an_unconnected_lane_has_no_time()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Network.Hours("AAAAA", "CCCCC", "sea"), Is.EqualTo(20));
            Assert.That(Network.Hours("AAAAA", "ZZZZZ", "rail"), Is.Null);
        });
    }

    [Test]
    public void Tianjin_to_tashkent_by_rail_takes_days_over_the_embedded_network()
    {
        var hours = CorridorTransit.FromEmbeddedCorridorData().Hours("CNTSN", "UZTAS", "rail");
        Assert.That(hours, Is.InRange(4 * 24, 30 * 24));
    }

    [Test]
    public void The_embedded_nodes_include_the_corridor_cities_and_nothing_made_up()
    {
        var nodes = KnownNodes.FromEmbeddedCorridorData();
        Assert.Multiple(() =>
        {
            Assert.That(nodes.Contains("CNTSN") && nodes.Contains("UZTAS") && nodes.Contains("KZALT"), Is.True);
            Assert.That(nodes.Contains("XXXXX"), Is.False);
            Assert.That(nodes.Count, Is.GreaterThan(10));
        });
    }
}
