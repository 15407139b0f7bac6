using System.Globalization;
using TradeHub.Matching.Offers;

namespace TradeHub.Matching.TradeMatching;

/// <summary>A buyer and a seller that fit, with the landed cost that makes them fit.</summary>
public sealed record TradeMatch(TradeOffer Seller, TradeOffer Buyer, decimal Quantity, LandedCostQuote Landed,
    double Score, IReadOnlyList<string> Explanation)
{
    public IReadOnlyList<Guid> OfferIds => [Seller.Id, Buyer.Id];
}

/// <summary>
/// Pairs a buyer with a seller: same goods (6-digit HS code, or the 4-digit heading as a weaker match), the same unit,
/// a quantity both can trade, and a buyer's price that covers the seller's price plus logistics (landed cost).
/// Score: goods (35 %), price headroom over landed cost (35 %), how much of each side's quantity is covered (30 %).
/// </summary>
public static class TradePairing
{
    public static TradeMatch? Pair(TradeOffer a, TradeOffer b, Func<string, string, LogisticsQuote?> logistics) =>
        Pair(a, b, logistics, out _);

    public static TradeMatch? Pair(TradeOffer a, TradeOffer b, Func<string, string, LogisticsQuote?> logistics, out string reason)
    {
        if (a.IsSell == b.IsSell) { reason = "both offers are on the same side"; return null; }
        var (seller, buyer) = a.IsSell ? (a, b) : (b, a);
        if (seller.OwnerOrg == buyer.OwnerOrg) { reason = "buyer and seller are the same organisation"; return null; }
        if (seller.Heading != buyer.Heading) { reason = "different goods"; return null; }
        if (!string.Equals(seller.Unit, buyer.Unit, StringComparison.OrdinalIgnoreCase))
        { reason = $"units differ ({seller.Unit} and {buyer.Unit})"; return null; }
        if (!string.Equals(seller.Currency, buyer.Currency, StringComparison.OrdinalIgnoreCase))
        { reason = $"currencies differ ({seller.Currency} and {buyer.Currency})"; return null; }
        var quantity = Math.Min(seller.Quantity, buyer.Quantity);
        if (quantity <= 0) { reason = "no quantity to trade"; return null; }
        if (LandedCost.Of(seller, buyer.City, quantity, logistics, out reason) is not { } landed) return null;
        if (buyer.UnitPrice < landed.PerUnit)
        {
            reason = F($"buyer's price {buyer.UnitPrice:0.####} is under the landed cost {landed.PerUnit:0.####}");
            return null;
        }

        var explanation = new List<string>();
        var sameCode = seller.HsCode == buyer.HsCode;
        explanation.Add(sameCode ? $"same goods (HS {seller.HsCode})"
            : $"same HS heading {seller.Heading} (codes {seller.HsCode} and {buyer.HsCode} differ)");
        explanation.Add(F($"landed cost {landed.PerUnit:0.####} {seller.Currency}/{seller.Unit} = price {landed.SellerPrice:0.####} + logistics {landed.LogisticsPerUnit:0.####} ({landed.RouteSummary})"));
        if (landed.AssumedOneContainer)
            explanation.Add($"logistics assume the lot fills one 40' container (no container size known for unit '{seller.Unit}')");
        var headroom = (double)((buyer.UnitPrice - landed.PerUnit) / buyer.UnitPrice);
        var percent = (int)Math.Round(headroom * 100);
        explanation.Add(percent == 0 ? "buyer's price just covers the landed cost" : $"landed cost {percent} % under the buyer's price");
        explanation.Add(F($"{quantity:0.###} {seller.Unit} of {seller.Quantity:0.###} offered and {buyer.Quantity:0.###} asked"));

        var goods = sameCode ? 1.0 : 0.6;
        var price = Math.Min(1, 0.4 + 4 * headroom);
        var cover = (double)(quantity / Math.Max(seller.Quantity, buyer.Quantity));
        var score = Math.Round(Math.Clamp(0.35 * goods + 0.35 * price + 0.3 * cover, 0, 1), 3);
        reason = "fits";
        return new TradeMatch(seller, buyer, quantity, landed, score, explanation);
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
