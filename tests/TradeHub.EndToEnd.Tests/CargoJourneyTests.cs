using System.Text.Json.Nodes;
using TradeHub.Testing;

namespace TradeHub.EndToEnd.Tests;

/// <summary>
/// The spine: a cargo offer travels gateway -> listings -> routing -> matching and back, on the real
/// servers; two carriers' capacity chains into one confirmed match that a trade office then sees as a flow.
/// </summary>
public class CargoJourneyTests
{
    private static string Day(int fromToday) => DateOnly.FromDateTime(DateTime.UtcNow).AddDays(fromToday).ToString("yyyy-MM-dd");

    [Test]
    public async Task Two_carriers_chain_into_one_confirmed_match_that_shows_as_a_flow()
    {
        using var shipper = await TradeHubSystem.SignIn("tianjin-textiles", "sme");
        using var firstCarrier = await TradeHubSystem.SignIn("tianjin-rail", "carrier");
        using var secondCarrier = await TradeHubSystem.SignIn("kazakh-rail", "carrier");
        using var office = await TradeHubSystem.SignIn("tianjin-trade-office", "trade_office");

        var offer = await shipper.PostOk("/api/cargo-offers", new
        {
            origin = "CNTSN", destination = "UZTAS", readyDate = Day(3), deliverBy = Day(45),
            containers = new { count = 2, type = "40HC" }, weightKg = 36000, hsCode = "520100",
            description = "Cotton yarn", targetPrice = new { amount = 12000, currency = "USD" },
        });
        var offerId = offer["id"]!.GetValue<string>();
        Assert.That(offer["status"]!.GetValue<string>(), Is.EqualTo("open"));

        var routes = await shipper.Eventually($"/api/cargo-offers/{offerId}/routes",
            r => r["status"]!.GetValue<string>() == "ready" && r["routes"]!.AsArray().Count > 0);
        var route = routes["routes"]![0]!;
        Assert.That(route["legs"]!.AsArray().First()!["from"]!.GetValue<string>(), Is.EqualTo("CNTSN"));
        Assert.That(route["legs"]!.AsArray().Last()!["to"]!.GetValue<string>(), Is.EqualTo("UZTAS"));

        var lanes = RouteLanes.Split(route["legs"]!.AsArray());
        Assert.That(lanes, Has.Count.GreaterThanOrEqualTo(2), "the route has at least two lanes to chain");
        var carriers = new[] { firstCarrier, secondCarrier };
        for (var i = 0; i < lanes.Count; i++)
        {
            await carriers[Math.Min(i, 1)].PostOk("/api/capacity-offers", new
            {
                from = lanes[i].From, to = lanes[i].To, mode = lanes[i].Mode,
                departureFrom = Day(3), departureTo = Day(30),
                containers = new { count = 10, type = "40HC" },
                pricePerContainer = new { amount = 1500, currency = "USD" }, transitDays = 6,
            });
        }

        var matches = await shipper.Eventually($"/api/matches?offerId={offerId}",
            m => m["items"]!.AsArray().Any(x => x!["kind"]!.GetValue<string>() == "cargo-capacity"));
        var match = matches["items"]!.AsArray().First(x => x!["kind"]!.GetValue<string>() == "cargo-capacity")!;
        var matchId = match["id"]!.GetValue<string>();
        Assert.That(match["score"]!.GetValue<double>(), Is.InRange(0.0, 1.0));
        Assert.That(match["explanation"]!.AsArray(), Is.Not.Empty);
        Assert.That(match["legs"]!.AsArray().Select(l => l!["carrier"]!.GetValue<string>()).Distinct(),
            Is.EquivalentTo(new[] { "tianjin-rail", "kazakh-rail" }));

        foreach (var party in new[] { shipper, firstCarrier, secondCarrier })
            await party.PostOk($"/api/matches/{matchId}/accept", new { });
        var confirmed = await shipper.Eventually($"/api/matches/{matchId}", m => m["status"]!.GetValue<string>() == "confirmed");
        Assert.That(confirmed["status"]!.GetValue<string>(), Is.EqualTo("confirmed"));

        // A flow row shows once three deals make it up (fewer would reveal a single deal): two awarded bids join the match.
        for (var i = 0; i < 2; i++)
        {
            var other = await shipper.PostOk("/api/cargo-offers", new
            {
                origin = "CNTSN", destination = "UZTAS", readyDate = Day(3), deliverBy = Day(45),
                containers = new { count = 1, type = "40HC" }, weightKg = 18000, hsCode = "520100",
            });
            var otherId = other["id"]!.GetValue<string>();
            var bid = await firstCarrier.PostOk($"/api/cargo-offers/{otherId}/bids", new
            {
                price = new { amount = 4100, currency = "USD" }, transitDays = 12, validUntil = Day(7),
            });
            await shipper.PostOk($"/api/cargo-offers/{otherId}/bids/{bid["id"]!.GetValue<string>()}/award", new { });
        }
        var flows = await office.Eventually("/api/flows?origin=CNTSN&destination=UZTAS",
            f => f.AsArray().Any(r => r!["matches"]!.GetValue<int>() >= 3));
        var flow = flows.AsArray().First()!;
        Assert.That(flow["containers"]!.GetValue<int>(), Is.GreaterThanOrEqualTo(4));
        Assert.That(flow.AsObject().Select(p => p.Key), Has.None.EqualTo("price"), "trade offices see aggregates only");

        var listed = await shipper.Eventually($"/api/cargo-offers/{offerId}", o => o["status"]!.GetValue<string>() == "matched");
        Assert.That(listed["status"]!.GetValue<string>(), Is.EqualTo("matched"));
    }

    [Test]
    public async Task A_bad_cargo_offer_through_the_gateway_is_a_400_naming_the_field()
    {
        using var shipper = await TradeHubSystem.SignIn("tianjin-textiles", "sme");
        var answer = await shipper.Post("/api/cargo-offers", new
        {
            origin = "CNTSN", destination = "NOWHR", readyDate = Day(3), deliverBy = Day(45),
            containers = new { count = 2, type = "40HC" }, weightKg = 36000,
        });
        var problem = JsonNode.Parse(await answer.Content.ReadAsStringAsync())!;
        Assert.That((int)answer.StatusCode, Is.EqualTo(400));
        Assert.That(answer.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(problem["errors"]!.AsObject().Select(e => e.Key), Does.Contain("destination"));
    }
}
