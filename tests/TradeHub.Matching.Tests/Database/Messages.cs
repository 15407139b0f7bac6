using TradeHub.Listings.Contracts;
using TradeHub.Routing.Contracts;

namespace TradeHub.Matching.Tests.Database;

/// <summary>Events as Listings and Routing publish them, for the Tianjin - Tashkent corridor.</summary>
internal static class Messages
{
    public static readonly DateOnly Ready = new(2026, 3, 1);

    public static CargoOfferPosted Cargo(Guid? id = null, int containers = 2, string owner = "tianjin-textiles") => new()
    {
        CargoOfferId = id ?? Guid.NewGuid(), OwnerOrg = owner, Origin = "CNTSN", Destination = "UZTAS",
        ReadyDate = Ready, DeliverBy = Ready.AddDays(20), ContainerCount = containers, ContainerType = "40GP",
        WeightKg = 36_000m, HsCode = "520812", TargetPriceAmount = 5000m, TargetPriceCurrency = "USD",
        PostedAt = DateTimeOffset.UtcNow,
    };

    public static CapacityOfferPosted Capacity(string from, string to, int opens, int closes, int transitDays,
        string carrier, int containers = 10, Guid? id = null) => new()
    {
        CapacityOfferId = id ?? Guid.NewGuid(), CarrierOrg = carrier, From = from, To = to, Mode = "rail",
        DepartureFrom = Ready.AddDays(opens), DepartureTo = Ready.AddDays(closes), ContainerCount = containers,
        ContainerType = "40HC", PricePerContainerAmount = 1000m, PriceCurrency = "USD", TransitDays = transitDays,
        PostedAt = DateTimeOffset.UtcNow,
    };

    public static CapacityOfferPosted China(int containers = 10, Guid? id = null) =>
        Capacity("CNTSN", "CNKHG", 0, 2, 5, "china-rail", containers, id);

    public static CapacityOfferPosted Central(int containers = 10, Guid? id = null) =>
        Capacity("KZALT", "UZTAS", 5, 9, 3, "kaz-rail", containers, id);

    private static RouteLeg Leg(string from, string to, double hours, bool crossing = false) => new()
    {
        LegId = $"{from}-{to}", From = from, To = to, Mode = "rail", DistanceKm = hours * 25, Hours = hours,
        CostUsd = 500m, Co2Kg = 100, BorderCrossing = crossing, GaugeChange = crossing,
    };

    /// <summary>The routes of a cargo offer as Routing publishes them: with the offer (the cargo post's fields).</summary>
    public static CargoRoutesComputed Routes(CargoOfferPosted cargo, long version = 1, bool viaKhorgos = true) =>
        RoutesOnly(cargo.CargoOfferId, version, viaKhorgos, cargo.OwnerOrg) with
        {
            Offer = new CargoOfferDetails
            {
                Origin = cargo.Origin, Destination = cargo.Destination, ReadyDate = cargo.ReadyDate, DeliverBy = cargo.DeliverBy,
                ContainerCount = cargo.ContainerCount, ContainerType = cargo.ContainerType, WeightKg = cargo.WeightKg,
                HsCode = cargo.HsCode, Hazardous = cargo.Hazardous, TargetPriceAmount = cargo.TargetPriceAmount,
                TargetPriceCurrency = cargo.TargetPriceCurrency, PostedAt = cargo.PostedAt,
            },
        };

    /// <summary>Routes without the offer, as Routing re-routes an offer it stored before it carried the offer.</summary>
    public static CargoRoutesComputed RoutesOnly(Guid cargoId, long version = 1, bool viaKhorgos = true,
        string owner = "tianjin-textiles") => new()
    {
        CargoOfferId = cargoId, OwnerOrg = owner, Version = version, Reason = "posted",
        ComputedAt = DateTimeOffset.UtcNow,
        Routes =
        [
            viaKhorgos
                ? new RouteOption
                {
                    RouteId = $"khorgos-v{version}",
                    Legs = [Leg("CNTSN", "CNXIY", 48), Leg("CNXIY", "CNKHG", 60), Leg("CNKHG", "KZALT", 6, true),
                        Leg("KZALT", "KZALA", 24), Leg("KZALA", "UZTAS", 30)],
                    TotalHours = 168, TotalDistanceKm = 4200, CostUsd = 2500m, Co2Kg = 500, BorderCrossings = 1, GaugeChanges = 1,
                }
                : new RouteOption
                {
                    RouteId = $"dostyk-v{version}",
                    Legs = [Leg("CNTSN", "CNURC", 100), Leg("CNURC", "CNALA", 20), Leg("CNALA", "KZDOS", 6, true),
                        Leg("KZDOS", "UZTAS", 60)],
                    TotalHours = 186, TotalDistanceKm = 4600, CostUsd = 2600m, Co2Kg = 520, BorderCrossings = 1, GaugeChanges = 1,
                },
        ],
    };

    public static TradeOfferPosted Trade(string side, string org, string city, decimal price, Guid? id = null) => new()
    {
        TradeOfferId = id ?? Guid.NewGuid(), OwnerOrg = org, Side = side, HsCode = "520812", Product = "cotton fabric",
        Quantity = 25_000m, Unit = "kg", UnitPriceAmount = price, UnitPriceCurrency = "USD", Incoterm = "FCA", City = city,
        ValidUntil = Ready.AddDays(60), PostedAt = DateTimeOffset.UtcNow,
    };

    public static LogisticsCostTableComputed Logistics(long version, decimal cost) => new()
    {
        Version = version, ComputedAt = DateTimeOffset.UtcNow,
        Pairs =
        [
            new CityPairLogistics
            {
                From = "CNTSN", To = "UZTAS", CheapestCostUsd = cost, CheapestHours = 170,
                CheapestRouteSummary = "CNTSN -rail-> KZALT -rail-> UZTAS", FastestHours = 150, FastestCostUsd = cost * 1.2m,
            },
        ],
    };
}
