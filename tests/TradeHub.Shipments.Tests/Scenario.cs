using System.Net.Http.Json;
using System.Text.Json;
using TradeHub.Listings.Contracts;
using TradeHub.Matching.Contracts;
using TradeHub.Routing.Contracts;

namespace TradeHub.Shipments.Tests;

/// <summary>
/// One cargo offer from Tianjin to Tashkent over Khorgos/Altynkol, with its route, two carriers' capacity offers
/// (Tianjin-Khorgos and Khorgos-Tashkent) and the messages that book it. Organisations are unique per scenario, so
/// tests do not see each other's shipments. The cargo was ready ten days ago, so actual events can be in the past.
/// </summary>
public sealed class Scenario
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];

    public string Shipper => $"tianjin-textiles-{_suffix}";
    public string Carrier1 => $"cn-rail-{_suffix}";
    public string Carrier2 => $"kz-rail-{_suffix}";
    public string Stranger => $"stranger-{_suffix}";
    public Guid CargoOfferId { get; } = Guid.CreateVersion7();
    public Guid Capacity1 { get; } = Guid.CreateVersion7();
    public Guid Capacity2 { get; } = Guid.CreateVersion7();
    public Guid MatchId { get; } = Guid.CreateVersion7();
    public DateOnly Ready { get; } = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-10);
    public DateOnly DeliverBy => Ready.AddDays(10);

    /// <summary>Midnight UTC of the ready date plus some hours.</summary>
    public DateTimeOffset At(double hours) => new DateTimeOffset(Ready.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddHours(hours);

    public CargoOfferPosted Cargo() => new()
    {
        CargoOfferId = CargoOfferId, OwnerOrg = Shipper, Origin = "CNTSN", Destination = "UZTAS", ReadyDate = Ready,
        DeliverBy = DeliverBy, ContainerCount = 2, ContainerType = "40HC", WeightKg = 30000, PostedAt = DateTimeOffset.UtcNow,
    };

    private static RouteLeg Leg(string from, string to, double hours, bool border = false) => new()
    {
        LegId = $"{from}-{to}", From = from, To = to, Mode = "rail", DistanceKm = hours * 40, Hours = hours, CostUsd = 1000,
        Co2Kg = 100, BorderCrossing = border, GaugeChange = border,
    };

    /// <summary>The routes as Routing publishes them: with the offer (by default this scenario's cargo offer).</summary>
    public CargoRoutesComputed Routes(CargoOfferPosted? cargo = null) => RoutesOnly() with
    {
        Offer = (cargo ?? Cargo()) is var c ? new CargoOfferDetails
        {
            Origin = c.Origin, Destination = c.Destination, ReadyDate = c.ReadyDate, DeliverBy = c.DeliverBy,
            ContainerCount = c.ContainerCount, ContainerType = c.ContainerType, WeightKg = c.WeightKg, PostedAt = c.PostedAt,
        } : null,
    };

    /// <summary>The routes without the offer, as a re-route of an offer Routing stored before it carried them.</summary>
    public CargoRoutesComputed RoutesOnly() => new()
    {
        CargoOfferId = CargoOfferId, OwnerOrg = Shipper, Version = 1, Reason = "posted", ComputedAt = DateTimeOffset.UtcNow,
        Routes =
        [
            new RouteOption
            {
                RouteId = "r-khorgos", TotalHours = 140, TotalDistanceKm = 5600, CostUsd = 3000, Co2Kg = 300, BorderCrossings = 1,
                GaugeChanges = 1,
                Legs = [Leg("CNTSN", "CNKHG", 60), Leg("CNKHG", "KZAKX", 30, border: true), Leg("KZAKX", "UZTAS", 50)],
            },
            new RouteOption
            {
                RouteId = "r-alashankou", TotalHours = 150, TotalDistanceKm = 5900, CostUsd = 2800, Co2Kg = 320, BorderCrossings = 1,
                GaugeChanges = 1,
                Legs = [Leg("CNTSN", "CNALK", 70), Leg("CNALK", "KZDOS", 30, border: true), Leg("KZDOS", "UZTAS", 50)],
            },
        ],
    };

    /// <summary>Carrier 1 departs from day 1, carrier 2 from day 5: the plan holds 36 h of slack at Khorgos.</summary>
    public CapacityOfferPosted CapacityFirst() => Capacity(Capacity1, Carrier1, "CNTSN", "CNKHG", 1, 3);

    public CapacityOfferPosted CapacitySecond() => Capacity(Capacity2, Carrier2, "CNKHG", "UZTAS", 5, 4);

    private CapacityOfferPosted Capacity(Guid id, string carrier, string from, string to, int departsDay, int transitDays) => new()
    {
        CapacityOfferId = id, CarrierOrg = carrier, From = from, To = to, Mode = "rail",
        DepartureFrom = Ready.AddDays(departsDay), DepartureTo = Ready.AddDays(departsDay + 3), ContainerCount = 10,
        ContainerType = "40HC", PricePerContainerAmount = 2000, PriceCurrency = "USD", TransitDays = transitDays,
        PostedAt = DateTimeOffset.UtcNow,
    };

    public MatchConfirmed Match() => new()
    {
        MatchId = MatchId, Kind = "cargo-capacity", OfferIds = [CargoOfferId, Capacity1, Capacity2],
        PartyOrgs = [Shipper, Carrier1, Carrier2],
        Legs =
        [
            new MatchedLeg { CapacityOfferId = Capacity1, CarrierOrg = Carrier1, From = "CNTSN", To = "CNKHG", Mode = "rail", Containers = 2 },
            new MatchedLeg { CapacityOfferId = Capacity2, CarrierOrg = Carrier2, From = "CNKHG", To = "UZTAS", Mode = "rail", Containers = 2 },
        ],
        Origin = "CNTSN", Destination = "UZTAS", Corridor = "CNKHG", Mode = "rail", Containers = 2, WeightKg = 30000,
        ConfirmedAt = DateTimeOffset.UtcNow,
    };

    public BidAwarded Bid(Guid bidId, string? routeId) => new()
    {
        BidId = bidId, CargoOfferId = CargoOfferId, CarrierOrg = Carrier1, CargoOwnerOrg = Shipper, Origin = "CNTSN",
        Destination = "UZTAS", ContainerCount = 2, ContainerType = "40HC", WeightKg = 30000, RouteId = routeId,
        PriceAmount = 5000, PriceCurrency = "USD", AwardedAt = DateTimeOffset.UtcNow,
    };

    /// <summary>Delivers every message a matched booking needs, in the usual order; returns the shipment's id.</summary>
    public async Task<Guid> BookByMatch()
    {
        await ShipmentsApp.Deliver(Routes());
        await ShipmentsApp.Deliver(CapacityFirst());
        await ShipmentsApp.Deliver(CapacitySecond());
        await ShipmentsApp.Deliver(Match());
        return await ShipmentsApp.Scalar<Guid>("SELECT id FROM shipments WHERE cargo_offer_id = @Id", new { Id = CargoOfferId });
    }

    public static object Event(string eventId, string type, string location, DateTimeOffset at, string classifier = "ACT",
        string? retracted = null) =>
        new { eventId, type, location, eventDateTime = at, classifier, retractedEventId = retracted };

    public static async Task<JsonElement> Body(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    public static async Task<JsonElement> Get(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        Assert.That((int)response.StatusCode, Is.EqualTo(200), await response.Content.ReadAsStringAsync());
        return await Body(response);
    }

    public static Task<HttpResponseMessage> Post(HttpClient client, string url, object body) =>
        client.PostAsJsonAsync(url, body, Json);
}
