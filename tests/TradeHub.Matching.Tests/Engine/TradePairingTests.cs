using TradeHub.Matching.Offers;
using TradeHub.Matching.TradeMatching;

namespace TradeHub.Matching.Tests.Engine;

public class TradePairingTests
{
    private static readonly DateOnly Until = new(2026, 6, 30);

    private static TradeOffer Seller(decimal price = 2.00m, decimal quantity = 50_000m, string hs = "520812",
        string unit = "kg", string city = "CNTSN", string currency = "USD") =>
        new(Guid.NewGuid(), "tianjin-textiles", "sell", hs, "cotton fabric", quantity, unit, price, currency, city, Until);

    private static TradeOffer Buyer(decimal price = 2.50m, decimal quantity = 50_000m, string hs = "520812",
        string unit = "kg", string city = "UZTAS", string currency = "USD") =>
        new(Guid.NewGuid(), "tashkent-garments", "buy", hs, "cotton fabric", quantity, unit, price, currency, city, Until);

    private static readonly Func<string, string, LogisticsQuote?> Table = (from, to) =>
        (from, to) == ("CNTSN", "UZTAS") ? new LogisticsQuote("CNTSN", "UZTAS", 5000m, 200, "CNTSN -rail-> UZTAS") : null;

    [Test]
    public void Landed_cost_adds_the_cheapest_logistics_per_unit()
    {
        // 50,000 kg = 2 containers of 25,000 kg at 5,000 USD: 0.20 USD/kg on top of 2.00.
        var landed = LandedCost.Of(Seller(), "UZTAS", 50_000m, Table, out _);

        Assert.That(landed, Is.Not.Null);
        Assert.That(landed!.Containers, Is.EqualTo(2));
        Assert.That(landed.LogisticsPerUnit, Is.EqualTo(0.20m));
        Assert.That(landed.PerUnit, Is.EqualTo(2.20m));
    }

    [Test]
    public void Tonnes_fill_containers_of_twenty_five_tonnes()
    {
        var landed = LandedCost.Of(Seller(price: 2000m, quantity: 30m, unit: "t"), "UZTAS", 30m, Table, out _);

        Assert.That(landed!.Containers, Is.EqualTo(2));
        Assert.That(landed.LogisticsPerUnit, Is.EqualTo(333.3333m));
    }

    [Test]
    public void A_buyer_whose_price_covers_the_landed_cost_is_matched_with_an_explanation()
    {
        var match = TradePairing.Pair(Seller(), Buyer(), Table);

        Assert.That(match, Is.Not.Null);
        Assert.That(match!.Explanation, Does.Contain("same goods (HS 520812)"));
        Assert.That(match.Explanation, Does.Contain("landed cost 12 % under the buyer's price"));
        Assert.That(match.Explanation, Has.Some.StartsWith("landed cost 2.2 USD/kg = price 2 + logistics 0.2 (CNTSN -rail-> UZTAS)"));
        Assert.That(match.Score, Is.InRange(0.0, 1.0));
    }

    [Test]
    public void A_buyer_whose_price_covers_the_goods_but_not_the_logistics_is_not_matched()
    {
        var match = TradePairing.Pair(Buyer(price: 2.10m), Seller(), Table, out var reason);

        Assert.That(match, Is.Null);
        Assert.That(reason, Does.Contain("under the landed cost 2.2"));
    }

    [Test]
    public void The_same_heading_matches_weaker_than_the_same_code()
    {
        var sameCode = TradePairing.Pair(Seller(), Buyer(), Table)!;
        var sameHeading = TradePairing.Pair(Seller(hs: "520819"), Buyer(), Table)!;

        Assert.That(sameHeading.Score, Is.LessThan(sameCode.Score));
        Assert.That(sameHeading.Explanation[0], Is.EqualTo("same HS heading 5208 (codes 520819 and 520812 differ)"));
    }

    [Test]
    public void Other_goods_units_or_unknown_logistics_do_not_match()
    {
        Assert.That(TradePairing.Pair(Seller(hs: "610910"), Buyer(), Table), Is.Null);
        Assert.That(TradePairing.Pair(Seller(unit: "m3"), Buyer(), Table), Is.Null);
        Assert.That(TradePairing.Pair(Seller(city: "BYMSQ"), Buyer(), Table), Is.Null);
        Assert.That(TradePairing.Pair(Seller(), Seller(), Table), Is.Null);
    }

    [Test]
    public void Sellers_in_the_buyers_city_need_no_logistics()
    {
        var match = TradePairing.Pair(Seller(city: "UZTAS", price: 2.45m), Buyer(), Table);

        Assert.That(match, Is.Not.Null);
        Assert.That(match!.Landed.LogisticsPerUnit, Is.Zero);
    }

    [Test]
    public void The_quantity_traded_is_what_both_sides_can_do()
    {
        var match = TradePairing.Pair(Seller(quantity: 50_000m), Buyer(quantity: 20_000m), Table)!;

        Assert.That(match.Quantity, Is.EqualTo(20_000m));
        Assert.That(match.Landed.Containers, Is.EqualTo(1));
        Assert.That(match.Explanation, Does.Contain("20000 kg of 50000 offered and 20000 asked"));
    }

    [Test]
    public void The_index_pairs_a_new_buyer_with_sellers_of_its_heading_only()
    {
        var index = new OfferIndex();
        index.SetLogistics([new LogisticsQuote("CNTSN", "UZTAS", 5000m, 200, "CNTSN -rail-> UZTAS")]);
        var cotton = Seller();
        index.PutTrade(cotton);
        index.PutTrade(Seller(hs: "610910"));

        var matches = index.MatchTrade(Buyer(), 3);

        Assert.That(matches.Select(m => m.Seller.Id), Is.EqualTo(new[] { cotton.Id }));
    }
}
