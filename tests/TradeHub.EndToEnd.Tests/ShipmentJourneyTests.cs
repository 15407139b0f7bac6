using System.Net;
using System.Text.Json.Nodes;
using TradeHub.Testing;

namespace TradeHub.EndToEnd.Tests;

/// <summary>
/// After the handshake: a confirmed cargo-capacity match books a shipment in Shipments through the bus; the carriers
/// report through the gateway, the estimate moves, and the shipper confirms delivery.
/// </summary>
public class ShipmentJourneyTests
{
    private static string Day(int fromToday) => DateOnly.FromDateTime(DateTime.UtcNow).AddDays(fromToday).ToString("yyyy-MM-dd");

    private static object Event(string id, string type, string location, DateTimeOffset at, string classifier = "ACT") =>
        new { eventId = id, type, location, eventDateTime = at, classifier };

    [Test]
    public async Task A_confirmed_match_books_a_shipment_that_its_carriers_track_to_delivery()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        using var shipper = await TradeHubSystem.SignIn($"almaty-apparel-{suffix}", "sme");
        using var firstCarrier = await TradeHubSystem.SignIn($"tianjin-rail-{suffix}", "carrier");
        using var secondCarrier = await TradeHubSystem.SignIn($"kazakh-rail-{suffix}", "carrier");
        using var stranger = await TradeHubSystem.SignIn($"someone-else-{suffix}", "carrier");

        var offer = await shipper.PostOk("/api/cargo-offers", new
        {
            origin = "CNTSN", destination = "UZTAS", readyDate = Day(1), deliverBy = Day(40),
            containers = new { count = 1, type = "40HC" }, weightKg = 18000, hsCode = "520100",
        });
        var offerId = offer["id"]!.GetValue<string>();
        var routes = await shipper.Eventually($"/api/cargo-offers/{offerId}/routes",
            r => r["status"]!.GetValue<string>() == "ready" && r["routes"]!.AsArray().Count > 0);
        var lanes = RouteLanes.Split(routes["routes"]![0]!["legs"]!.AsArray());
        Assert.That(lanes, Has.Count.GreaterThanOrEqualTo(2));
        var carriers = new[] { firstCarrier, secondCarrier };
        for (var i = 0; i < lanes.Count; i++)
            await carriers[Math.Min(i, 1)].PostOk("/api/capacity-offers", new
            {
                from = lanes[i].From, to = lanes[i].To, mode = lanes[i].Mode, departureFrom = Day(1), departureTo = Day(20),
                containers = new { count = 4, type = "40HC" }, pricePerContainer = new { amount = 1400, currency = "USD" },
                transitDays = 5,
            });
        // Other tests' carriers offer space on the same lanes: take the proposal that chains this test's two.
        var mine = new[] { firstCarrier.Organisation, secondCarrier.Organisation };
        bool Ours(JsonNode? m) => m!["kind"]!.GetValue<string>() == "cargo-capacity"
            && m["legs"]!.AsArray().Select(l => l!["carrier"]!.GetValue<string>()).Distinct().Order().SequenceEqual(mine.Order());
        var matches = await shipper.Eventually($"/api/matches?offerId={offerId}", m => m["items"]!.AsArray().Any(Ours));
        var matchId = matches["items"]!.AsArray().First(Ours)!["id"]!.GetValue<string>();
        foreach (var party in new[] { shipper, firstCarrier, secondCarrier })
            await party.PostOk($"/api/matches/{matchId}/accept", new { });

        var list = await shipper.Eventually("/api/shipments?status=booked",
            l => l["items"]!.AsArray().Any(s => s!["matchId"]?.GetValue<string>() == matchId));
        var shipment = list["items"]!.AsArray().First(s => s!["matchId"]!.GetValue<string>() == matchId)!;
        var id = shipment["id"]!.GetValue<string>();
        var legs = shipment["legs"]!.AsArray();
        Assert.That(shipment["cargoOfferId"]!.GetValue<string>(), Is.EqualTo(offerId));
        Assert.That(legs.Select(l => l!["carrier"]!.GetValue<string>()).Distinct(),
            Is.EquivalentTo(new[] { firstCarrier.Organisation, secondCarrier.Organisation }));

        // The first carrier departs and arrives on its leg.
        var first = legs[0]!;
        var firstClient = first["carrier"]!.GetValue<string>() == firstCarrier.Organisation ? firstCarrier : secondCarrier;
        var otherClient = firstClient == firstCarrier ? secondCarrier : firstCarrier;
        var now = DateTimeOffset.UtcNow;
        using (var departed = await firstClient.Post($"/api/shipments/{id}/events", Event("dep-1", "DEPA", first["from"]!.GetValue<string>(), now.AddHours(-2))))
            Assert.That(departed.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await departed.Content.ReadAsStringAsync());
        using (var arrived = await firstClient.Post($"/api/shipments/{id}/events", Event("arr-1", "ARRI", first["to"]!.GetValue<string>(), now.AddHours(-1))))
            Assert.That(arrived.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await arrived.Content.ReadAsStringAsync());
        var tracked = await shipper.GetOk($"/api/shipments/{id}");
        Assert.That(tracked["status"]!.GetValue<string>(), Is.EqualTo("in_transit"));
        Assert.That(tracked["legs"]![0]!["actualArrival"], Is.Not.Null);

        // The last leg's carrier expects to arrive three days late: the estimate moves.
        var last = legs[^1]!;
        var lastClient = last["carrier"]!.GetValue<string>() == firstCarrier.Organisation ? firstCarrier : secondCarrier;
        var late = tracked["legs"]![legs.Count - 1]!["estimatedArrival"]!.GetValue<DateTimeOffset>().AddDays(3);
        using (var estimate = await lastClient.Post($"/api/shipments/{id}/events", Event("est-1", "ARRI", last["to"]!.GetValue<string>(), late, "EST")))
            Assert.That(estimate.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await estimate.Content.ReadAsStringAsync());
        tracked = await shipper.GetOk($"/api/shipments/{id}");
        Assert.That(tracked["estimatedArrival"]!.GetValue<DateTimeOffset>(), Is.EqualTo(late).Within(TimeSpan.FromMilliseconds(1)));

        // Bad input names the field; another carrier's leg is refused; a stranger sees nothing.
        using (var bad = await firstClient.Post($"/api/shipments/{id}/events", Event("bad-1", "SAIL", first["to"]!.GetValue<string>(), now)))
        {
            Assert.That(bad.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(JsonNode.Parse(await bad.Content.ReadAsStringAsync())!["errors"]!["type"], Is.Not.Null);
        }
        if (otherClient != firstClient)
        {
            using var foreign = await otherClient.Post($"/api/shipments/{id}/events", Event("foreign-1", "DEPA", first["from"]!.GetValue<string>(), now));
            Assert.That(foreign.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(JsonNode.Parse(await foreign.Content.ReadAsStringAsync())!["errors"]!["location"], Is.Not.Null);
        }
        using (var hidden = await stranger.Http.GetAsync($"/api/shipments/{id}"))
            Assert.That(hidden.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        using (var timeline = await shipper.Http.GetAsync($"/api/shipments/{id}/events"))
            Assert.That(timeline.StatusCode, Is.EqualTo(HttpStatusCode.OK));

        var delivered = await shipper.PostOk($"/api/shipments/{id}/delivery", new { deliveredAt = DateTimeOffset.UtcNow });
        Assert.That(delivered["status"]!.GetValue<string>(), Is.EqualTo("delivered"));
    }
}
