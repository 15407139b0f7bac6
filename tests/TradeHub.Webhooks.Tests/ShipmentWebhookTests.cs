using System.Net;
using System.Text.Json.Nodes;
using StandardWebhooks;
using TradeHub.Testing;

namespace TradeHub.Webhooks.Tests;

/// <summary>
/// A shipment's events reach the webhooks of its shipper and its carrier, signed, in the shape /api/events shows them,
/// and never a carrier that is not on it.
/// </summary>
public sealed class ShipmentWebhookTests
{
    private static string Day(int fromToday) => DateOnly.FromDateTime(DateTime.UtcNow).AddDays(fromToday).ToString("yyyy-MM-dd");

    private static readonly string[] Types =
        ["shipment.booked", "shipment.event", "shipment.eta_changed", "shipment.delayed", "shipment.delivered"];

    [Test]
    public async Task A_shipment_is_told_to_its_shipper_and_carrier_in_the_live_events_shape_and_never_to_a_rival()
    {
        await using var shipperHook = await WebhookReceiver.Started();
        await using var carrierHook = await WebhookReceiver.Started();
        await using var rivalHook = await WebhookReceiver.Started();
        using var shipper = await WebhooksSystem.SignIn(WebhooksSystem.Org("ship-shipper"));
        using var carrier = await WebhooksSystem.SignIn(WebhooksSystem.Org("ship-rail"), "carrier");
        using var rival = await WebhooksSystem.SignIn(WebhooksSystem.Org("ship-rival"), "carrier");
        var (_, shipperSecret) = await shipper.Subscribe(shipperHook.Url);
        var (_, carrierSecret) = await carrier.Subscribe(carrierHook.Url, Types);
        var (rivalId, _) = await rival.Subscribe(rivalHook.Url);
        await using var live = await LiveEvents.Open(shipper);

        // An awarded bid books a shipment; its carrier departs, then expects to arrive after the deliver-by day; the
        // shipper confirms delivery.
        var offer = await shipper.PostOk("/api/cargo-offers", new
        {
            origin = "CNTSN", destination = "UZTAS", readyDate = Day(1), deliverBy = Day(30),
            containers = new { count = 1, type = "40HC" }, weightKg = 18000, hsCode = "520100", description = "Cotton yarn",
        });
        var offerId = offer["id"]!.GetValue<string>();
        await shipper.Eventually($"/api/cargo-offers/{offerId}/routes", r => r["status"]!.GetValue<string>() == "ready");
        var bid = await carrier.PostOk($"/api/cargo-offers/{offerId}/bids", new
        {
            price = new { amount = 4100, currency = "USD" }, transitDays = 12, validUntil = Day(20),
        });
        var bidId = bid["id"]!.GetValue<string>();
        await shipper.PostOk($"/api/cargo-offers/{offerId}/bids/{bidId}/award", new { });
        var list = await shipper.Eventually("/api/shipments?status=booked",
            l => l["items"]!.AsArray().Any(s => s!["bidId"]?.GetValue<string>() == bidId), TimeSpan.FromSeconds(60));
        var shipment = list["items"]!.AsArray().First(s => s!["bidId"]?.GetValue<string>() == bidId)!;
        var id = shipment["id"]!.GetValue<string>();
        var legs = shipment["legs"]!.AsArray();
        var now = DateTimeOffset.UtcNow;
        await Report(carrier, id, new { eventId = "dep-1", type = "DEPA", location = legs[0]!["from"]!.GetValue<string>(), eventDateTime = now.AddHours(-2), classifier = "ACT" });
        await Report(carrier, id, new
        {
            eventId = "est-1", type = "ARRI", location = legs[^1]!["to"]!.GetValue<string>(),
            eventDateTime = DateTimeOffset.Parse(Day(36), System.Globalization.CultureInfo.InvariantCulture), classifier = "EST",
        });
        await shipper.PostOk($"/api/shipments/{id}/delivery", new { deliveredAt = DateTimeOffset.UtcNow });

        bool OfShipment(ReceivedWebhook r) => Types.Contains(TypeOf(r.Body)) && ShipmentOf(r.Body) == id;
        bool All(IReadOnlyList<ReceivedWebhook> got) => Types.All(t => got.Any(r => OfShipment(r) && TypeOf(r.Body) == t));
        var toShipper = (await shipperHook.Eventually(All, "every shipment event at the shipper")).Where(OfShipment).DistinctBy(r => r.Id).ToList();
        var toCarrier = (await carrierHook.Eventually(All, "every shipment event at the carrier")).Where(OfShipment).DistinctBy(r => r.Id).ToList();
        var told = await live.Eventually(e => toShipper.All(d => e.ContainsKey(d.Id)), "every shipment webhook live too");

        Assert.Multiple(() =>
        {
            Assert.That(toCarrier.Select(r => r.Id), Is.EquivalentTo(toShipper.Select(r => r.Id)), "one event, one webhook-id, both parties");
            foreach (var r in toShipper)
            {
                Assert.DoesNotThrow(() => new StandardWebhook(shipperSecret).Verify(r.Body, r.Headers()));
                var body = JsonNode.Parse(r.Body)!;
                Assert.That(told[r.Id].Type, Is.EqualTo(TypeOf(r.Body)));
                Assert.That(JsonNode.DeepEquals(body["data"], told[r.Id].Data), Is.True,
                    $"{TypeOf(r.Body)}: webhook {body["data"]!.ToJsonString()} live {told[r.Id].Data!.ToJsonString()}");
            }
            foreach (var r in toCarrier) Assert.DoesNotThrow(() => new StandardWebhook(carrierSecret).Verify(r.Body, r.Headers()));
        });
        // The fan-out of an event is one statement: once the parties have theirs, a delivery to the rival (on no
        // shipment at all) would exist too.
        Assert.That((await rival.Deliveries(rivalId)).Select(d => d!["eventType"]!.GetValue<string>()),
            Has.None.StartsWith("shipment."));
        Assert.That(rivalHook.Requests.Select(r => TypeOf(r.Body)), Has.None.StartsWith("shipment."));
    }

    private static async Task Report(ApiClient carrier, string shipment, object tracking)
    {
        using var answer = await carrier.Post($"/api/shipments/{shipment}/events", tracking);
        Assert.That(answer.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await answer.Content.ReadAsStringAsync());
    }

    private static string TypeOf(string body) => JsonNode.Parse(body)!["type"]!.GetValue<string>();

    private static string? ShipmentOf(string body)
    {
        var data = JsonNode.Parse(body)!["data"];
        return (data?["shipmentId"] ?? (TypeOf(body) == "shipment.booked" ? data?["id"] : null))?.GetValue<string>();
    }
}
