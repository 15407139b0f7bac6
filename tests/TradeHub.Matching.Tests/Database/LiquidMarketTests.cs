using static TradeHub.Matching.Tests.Database.Messages;

namespace TradeHub.Matching.Tests.Database;

public class LiquidMarketTests : ConsumerRig
{
    private const string OpenOf = "SELECT count(*) FROM matches WHERE offer_ids @> ARRAY[@Id] AND status IN ('proposed', 'accepted')";

    [Test]
    public async Task A_buyer_whose_best_sellers_are_saturated_is_proposed_the_next_best()
    {
        await Deliver(Logistics(1, 2000m));
        // 483 sellers of the same goods: the three cheapest first, the rest each a little dearer than the one before.
        var best = Enumerable.Range(0, 3).Select(_ => Trade("sell", "tianjin-textiles", "CNTSN", 1.00m)).ToList();
        var rest = Enumerable.Range(0, 480).Select(i => Trade("sell", "tianjin-textiles", "CNTSN", 1.50m + i * 0.001m)).ToList();
        foreach (var seller in best.Concat(rest)) await Deliver(seller);
        // Three buyers take every place of the three cheapest sellers.
        foreach (var org in new[] { "minsk-1", "minsk-2", "minsk-3" })
            await Deliver(Trade("buy", org, "UZTAS", 2.60m));
        foreach (var seller in best)
            Assert.That(await Scalar<long>(OpenOf, new { Id = seller.TradeOfferId }), Is.EqualTo(3));

        var buyer = Trade("buy", "minsk-4", "UZTAS", 2.60m);
        await Deliver(buyer);

        var sellers = await Query<Guid>("""
            SELECT o FROM matches, unnest(offer_ids) AS o WHERE offer_ids @> ARRAY[@Id] AND o <> @Id
            """, new { Id = buyer.TradeOfferId });
        Assert.That(sellers, Is.EquivalentTo(rest.Take(3).Select(s => s.TradeOfferId)));
        Assert.That(await Scalar<long>("""
            SELECT count(*) FROM (SELECT o FROM matches, unnest(offer_ids) AS o WHERE status IN ('proposed', 'accepted')
                                  GROUP BY o HAVING count(*) > 3) AS over
            """), Is.Zero);
    }
}
