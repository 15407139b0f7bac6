using TradeHub.Testing;

namespace TradeHub.EndToEnd.Tests;

/// <summary>A tender through the gateway: bids, the award, and the award turned into capacity reserved for the shipper.</summary>
public class TenderTests
{
    private static string Day(int d) => DateOnly.FromDateTime(DateTime.UtcNow).AddDays(d).ToString("yyyy-MM-dd");

    private static object Lane(string reference, string destination, int count) => new
    {
        @ref = reference, origin = "CNTSN", destination, mode = "rail", containers = new { count, type = "40HC" }, from = Day(20), to = Day(50),
    };

    private static object Package(string reference, params (string Lane, decimal Price)[] lanes) =>
        new { @ref = reference, lanes = lanes.Select(l => new { @ref = l.Lane, pricePerContainer = l.Price }).ToArray() };

    [Test]
    public async Task A_tender_awarded_through_the_gateway_becomes_the_winners_capacity_reserved_for_the_shipper()
    {
        using var shipper = await TradeHubSystem.SignIn("e2e-tianjin-exporter", "sme");
        using var rail = await TradeHubSystem.SignIn("e2e-steppe-rail", "carrier");
        using var road = await TradeHubSystem.SignIn("e2e-silk-road-trucks", "carrier");
        using var otherShipper = await TradeHubSystem.SignIn("e2e-other-shipper", "sme");
        var tender = await shipper.PostOk("/api/tenders", new
        {
            title = "Central Asia season", closesAt = DateTimeOffset.UtcNow.AddDays(2),
            lanes = new[] { Lane("TAS", "UZTAS", 4), Lane("ALA", "KZALA", 3) },
        });
        var id = tender["id"]!.GetValue<string>();
        await rail.PostOk($"/api/tenders/{id}/bids", new { packages = new[] { Package("pair", ("TAS", 2100m), ("ALA", 2000m)) } });
        await road.PostOk($"/api/tenders/{id}/bids", new { packages = new[] { Package("tas", ("TAS", 2500m)), Package("ala", ("ALA", 2400m)) } });

        await shipper.PostOk($"/api/tenders/{id}/close", new { });
        var award = await shipper.Eventually($"/api/tenders/{id}/award", a => a["status"]!.GetValue<string>() == "awarded", TimeSpan.FromSeconds(60));

        Assert.That(award["totalCost"]!.GetValue<decimal>(), Is.EqualTo(4 * 2100m + 3 * 2000m));
        Assert.That(award["savings"]!.GetValue<decimal>(), Is.EqualTo(4 * 400m + 3 * 400m));
        var capacity = await shipper.Eventually("/api/capacity-offers?from=CNTSN&to=UZTAS&limit=500",
            c => c["items"]!.AsArray().Any(o => o!["reservedFor"]?.GetValue<string>() == "e2e-tianjin-exporter"), TimeSpan.FromSeconds(60));
        var reserved = capacity["items"]!.AsArray().First(o => o!["reservedFor"]?.GetValue<string>() == "e2e-tianjin-exporter")!;
        Assert.That(reserved["carrier"]!.GetValue<string>(), Is.EqualTo("e2e-steppe-rail"));
        Assert.That(reserved["pricePerContainer"]!["amount"]!.GetValue<decimal>(), Is.EqualTo(2100m));
        var othersView = await otherShipper.GetOk("/api/capacity-offers?from=CNTSN&to=UZTAS&limit=500");
        Assert.That(othersView.ToJsonString(), Does.Not.Contain("e2e-tianjin-exporter"));
    }
}
