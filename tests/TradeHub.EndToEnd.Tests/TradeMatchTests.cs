using TradeHub.Testing;

namespace TradeHub.EndToEnd.Tests;

/// <summary>Buyers and sellers meet with the landed cost of moving the goods between their cities.</summary>
public class TradeMatchTests
{
    private static string Day(int d) => DateOnly.FromDateTime(DateTime.UtcNow).AddDays(d).ToString("yyyy-MM-dd");

    private static object Offer(string side, string city, decimal price) => new
    {
        side, hsCode = "520100", product = "Raw cotton", quantity = 40000, unit = "kg",
        unitPrice = new { amount = price, currency = "USD" }, incoterm = side == "sell" ? "FCA" : "DAP", city, validUntil = Day(20),
    };

    [Test]
    public async Task A_buyer_and_a_seller_posted_at_the_same_moment_still_meet()
    {
        using var seller = await TradeHubSystem.SignIn("fergana-cotton", "sme");
        using var buyer = await TradeHubSystem.SignIn("minsk-mills", "sme");
        // Routing publishes the city-to-city logistics table at start-up; the landed cost needs it.
        var posted = await Task.WhenAll(
            seller.PostOk("/api/trade-offers", Offer("sell", "UZTAS", 1.20m)),
            buyer.PostOk("/api/trade-offers", Offer("buy", "BYMSQ", 2.40m)));
        var sellId = posted[0]["id"]!.GetValue<string>();
        var buyId = posted[1]["id"]!.GetValue<string>();

        var matches = await buyer.Eventually($"/api/matches?offerId={buyId}",
            m => m["items"]!.AsArray().Any(x => x!["kind"]!.GetValue<string>() == "trade"), TimeSpan.FromSeconds(60));
        var match = matches["items"]!.AsArray().First(x => x!["kind"]!.GetValue<string>() == "trade")!;
        Assert.That(match["offers"]!.AsArray().Select(o => o!.GetValue<string>()), Is.EquivalentTo(new[] { sellId, buyId }));
        Assert.That(match["explanation"]!.AsArray(), Is.Not.Empty);
        var sellerView = await seller.GetOk($"/api/matches/{match["id"]}");
        Assert.That(sellerView["id"]!.GetValue<string>(), Is.EqualTo(match["id"]!.GetValue<string>()), "the seller is a party too");
    }
}
