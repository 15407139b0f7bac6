using System.Text.Json.Nodes;

namespace TradeHub.Browser.Tests;

/// <summary>Scenes set up through the public API, as the platform makes them, for the browser to watch.</summary>
internal static class Scenes
{
    /// <summary>A booked shipment: an SME's cargo offer, routed, a carrier's bid on its best route, awarded.</summary>
    public static async Task<BookedShipment> Shipment(Gateway api, string sme, string carrier,
        string origin = "CNTSN", string destination = "UZTAS", int deliverByDays = 40)
    {
        var offer = await api.Send(HttpMethod.Post, "api/cargo-offers", sme, new
        {
            origin, destination, readyDate = Gateway.Date(2), deliverBy = Gateway.Date(deliverByDays),
            containers = new { count = 2, type = "40HC" }, weightKg = 20000, hsCode = "520812",
        });
        var offerId = offer["id"]!.GetValue<string>();
        var routes = await Until(() => api.Send(HttpMethod.Get, $"api/cargo-offers/{offerId}/routes", sme),
            r => r["status"]?.GetValue<string>() == "ready" && r["routes"] is JsonArray { Count: > 0 }, "the offer's routes");
        var route = routes["routes"]![0]!;
        var bid = await api.Send(HttpMethod.Post, $"api/cargo-offers/{offerId}/bids", carrier, new
        {
            price = new { amount = 5200, currency = "USD" }, transitDays = 14, validUntil = Gateway.Date(7),
            routeId = route["id"]!.GetValue<string>(),
        });
        await api.Send(HttpMethod.Post, $"api/cargo-offers/{offerId}/bids/{bid["id"]!.GetValue<string>()}/award", sme);
        JsonNode? booked = null;
        await Until(async () =>
        {
            var list = await api.Send(HttpMethod.Get, "api/shipments?limit=100", sme);
            booked = list["items"]!.AsArray().FirstOrDefault(s => s!["cargoOfferId"]!.GetValue<string>() == offerId);
            return list;
        }, _ => booked is not null, "the shipment booked from the award");
        return new BookedShipment(booked!["id"]!.GetValue<string>(), booked, route);
    }

    /// <summary>Posts one tracking event as the carrier.</summary>
    public static Task<JsonNode> Event(Gateway api, string carrier, string shipmentId, string type, string classifier, string location,
        DateTimeOffset at) =>
        api.Send(HttpMethod.Post, $"api/shipments/{shipmentId}/events", carrier, new
        {
            eventId = Guid.NewGuid().ToString(), type, classifier, location, eventDateTime = at,
        });

    /// <summary>A tender of two lanes from Tianjin, open for a day.</summary>
    public static async Task<string> Tender(Gateway api, string sme, string title)
    {
        var tender = await api.Send(HttpMethod.Post, "api/tenders", sme, new
        {
            title, closesAt = DateTimeOffset.UtcNow.AddDays(1),
            lanes = new[]
            {
                new { @ref = "L1", origin = "CNTSN", destination = "UZTAS", containers = new { count = 4, type = "40HC" }, from = Gateway.Date(14), to = Gateway.Date(90) },
                new { @ref = "L2", origin = "CNTSN", destination = "KZALA", containers = new { count = 4, type = "40HC" }, from = Gateway.Date(14), to = Gateway.Date(90) },
            },
        });
        return tender["id"]!.GetValue<string>();
    }

    public static async Task<JsonNode> Until(Func<Task<JsonNode>> read, Func<JsonNode, bool> done, string what)
    {
        for (var i = 0; i < 240; i++)
        {
            var node = await read();
            if (done(node)) return node;
            await Task.Delay(500);
        }
        Assert.Fail($"Gave up waiting for {what}.");
        return null!;
    }
}

internal sealed record BookedShipment(string Id, JsonNode Shipment, JsonNode Route)
{
    public JsonArray Legs => Shipment["legs"]!.AsArray();

    public string Leg(int index, string end) => Legs[index]![end]!.GetValue<string>();
}
