using TradeHub.Matching.Offers;

namespace TradeHub.Matching.TradeMatching;

/// <summary>What the buyer pays per unit at its door: the seller's price plus the cheapest feasible logistics.</summary>
public sealed record LandedCostQuote(decimal SellerPrice, decimal LogisticsPerUnit, int Containers, string RouteSummary, bool AssumedOneContainer)
{
    public decimal PerUnit => SellerPrice + LogisticsPerUnit;
}

/// <summary>
/// Landed cost from Routing's city-to-city table (cost per 40' container). A 40' container is taken to hold
/// 25,000 kg (25 t) or 67 m3; for other units the whole lot is assumed to fill one container.
/// Logistics are in USD and there are no exchange rates here, so cities apart only match in USD.
/// </summary>
public static class LandedCost
{
    public const decimal KgPerContainer = 25_000m;

    public static decimal? UnitsPerContainer(string unit) => unit.ToLowerInvariant() switch
    {
        "kg" => KgPerContainer,
        "t" => KgPerContainer / 1000m,
        "m3" => 67m,
        _ => null,
    };

    /// <summary>Weight of a quantity in kg, or 0 when the unit is not a weight.</summary>
    public static decimal WeightKg(decimal quantity, string unit) => unit.ToLowerInvariant() switch
    {
        "kg" => quantity,
        "t" => quantity * 1000m,
        _ => 0m,
    };

    /// <summary>The landed cost of quantity units from the seller's city to the buyer's, or null (and why) when it cannot be known.</summary>
    public static LandedCostQuote? Of(TradeOffer seller, string buyerCity, decimal quantity,
        Func<string, string, LogisticsQuote?> logistics, out string reason)
    {
        var perContainer = UnitsPerContainer(seller.Unit);
        var containers = perContainer is { } units ? (int)Math.Ceiling(quantity / units) : 1;
        if (seller.City == buyerCity)
        {
            reason = "same city";
            return new LandedCostQuote(seller.UnitPrice, 0, containers, $"within {seller.City}", perContainer is null);
        }
        if (!string.Equals(seller.Currency, "USD", StringComparison.OrdinalIgnoreCase))
        {
            reason = $"logistics cost is in USD and the price is in {seller.Currency}";
            return null;
        }
        if (logistics(seller.City, buyerCity) is not { } quote)
        {
            reason = $"no logistics known from {seller.City} to {buyerCity}";
            return null;
        }
        reason = "priced";
        var perUnit = Math.Round(containers * quote.CheapestCostUsd / quantity, 4);
        return new LandedCostQuote(seller.UnitPrice, perUnit, containers, quote.Summary, perContainer is null);
    }
}
