using TradeHub.Matching.CargoMatching;
using TradeHub.Matching.Offers;

namespace TradeHub.Matching.Tests.Engine;

/// <summary>Tianjin to Tashkent by rail through the Khorgos / Altynkol crossing, and offers along it.</summary>
internal static class Corridor
{
    public static readonly DateOnly Ready = new(2026, 3, 1);

    // 48 + 60 hours to Khorgos, 6 hours across (border and gauge change), 24 + 30 hours on to Tashkent.
    public static readonly CargoRoute TianjinTashkent = new("r1",
    [
        new Leg("CNTSN", "CNXIY", "rail", 48, 1100, false, false),
        new Leg("CNXIY", "CNKHG", "rail", 60, 2900, false, false),
        new Leg("CNKHG", "KZALT", "rail", 6, 10, true, true),
        new Leg("KZALT", "KZALA", "rail", 24, 330, false, false),
        new Leg("KZALA", "UZTAS", "rail", 30, 800, false, false),
    ]);

    public static readonly MatchingRules Rules = new();

    public static CargoOffer Cargo(int containers = 2, string type = "40GP", int deliverWithinDays = 19,
        decimal? target = null) =>
        new(Guid.NewGuid(), "tianjin-textiles", "CNTSN", "UZTAS", Ready, Ready.AddDays(deliverWithinDays), containers, type,
            40_000m, "520812", target, target is null ? null : "USD");

    public static CapacityOffer Capacity(string from, string to, int opensDay, int closesDay, int transitDays,
        string carrier = "rail-one", int containers = 10, string type = "40HC", decimal price = 1000m, string mode = "rail") =>
        new(Guid.NewGuid(), carrier, from, to, mode, Ready.AddDays(opensDay), Ready.AddDays(closesDay), containers, type,
            price, "USD", transitDays);

    public static Func<Lane, IEnumerable<CapacityOffer>> Lanes(params CapacityOffer[] offers) =>
        lane => offers.Where(o => o.Lane == lane);
}
