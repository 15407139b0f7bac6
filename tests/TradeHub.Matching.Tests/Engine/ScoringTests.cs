using TradeHub.Matching.CargoMatching;
using TradeHub.Matching.Offers;
using static TradeHub.Matching.Tests.Engine.Corridor;

namespace TradeHub.Matching.Tests.Engine;

public class ScoringTests
{
    private static readonly CargoRoute Direct = new("direct", [new Leg("CNTSN", "UZTAS", "rail", 168, 5000, false, false)]);

    [Test]
    public void Explanation_says_coverage_departure_arrival_and_price_and_only_the_owner_notes_judge_it_against_the_target()
    {
        // 2 containers x 1100 = 2200 against a target of 2500: 12 % under.
        var offer = Capacity("CNTSN", "UZTAS", 2, 5, 8, price: 1100m);

        var match = CapacityChains.Best(Cargo(target: 2500m), [Direct], Lanes(offer), Rules, 1).Single();

        Assert.That(match.Explanation, Is.EqualTo(new[]
        {
            "covers 1 of 1 leg with one carrier",
            "departs 2 days after ready date",
            "arrives 9 days before deliver-by",
            "price 2200 USD",
        }));
        Assert.That(match.OwnerNotes, Is.EqualTo(new[] { "price 12 % under your target" }));
        Assert.That(match.Score, Is.InRange(0.0, 1.0));
        Assert.That(match.Price, Is.EqualTo(2200m));
    }

    [Test]
    public void Over_target_and_late_departure_score_lower_than_cheap_and_prompt()
    {
        var prompt = Capacity("CNTSN", "UZTAS", 0, 5, 8, price: 1000m);
        var late = Capacity("CNTSN", "UZTAS", 3, 5, 8, price: 1600m);

        var matches = CapacityChains.Best(Cargo(target: 2500m), [Direct], Lanes(prompt, late), Rules, 2);

        Assert.That(matches.Select(m => m.Chain.Segments[0].Capacity.Id), Is.EqualTo(new[] { prompt.Id, late.Id }));
        Assert.That(matches[1].OwnerNotes, Does.Contain("price 28 % over your target"));
        Assert.That(matches[1].OwnerScore, Is.LessThan(matches[0].OwnerScore));
    }

    [Test]
    public void One_carrier_for_the_whole_route_scores_above_a_chain_of_two_at_the_same_price()
    {
        var whole = Capacity("CNTSN", "UZTAS", 0, 2, 8, price: 2000m);
        var china = Capacity("CNTSN", "CNKHG", 0, 2, 5, price: 1000m);
        var central = Capacity("KZALT", "UZTAS", 5, 9, 3, price: 1000m);

        var matches = CapacityChains.Best(Cargo(), [TianjinTashkent], Lanes(whole, china, central), Rules, 3);

        Assert.That(matches, Has.Count.EqualTo(2));
        Assert.That(matches[0].Chain.Segments, Has.Count.EqualTo(1));
        Assert.That(matches.Select(m => m.Score), Is.All.InRange(0.0, 1.0));
    }

    [Test]
    public void Without_a_target_the_price_is_stated_not_judged()
    {
        var offer = Capacity("CNTSN", "UZTAS", 0, 2, 8, price: 1000m);

        var match = CapacityChains.Best(Cargo(), [Direct], Lanes(offer), Rules, 1).Single();

        Assert.That(match.Explanation, Does.Contain("price 2000 USD"));
        Assert.That(match.OwnerNotes, Is.EqualTo(new[] { "no target price to compare" }));
    }

    [Test]
    public void What_every_party_sees_does_not_depend_on_the_target_price()
    {
        // A carrier knows the match price; were the score or the sentences to move with the target, it could solve
        // for the target. Two shippers with other targets must get the same public score and explanation.
        var offer = Capacity("CNTSN", "UZTAS", 1, 5, 8, price: 1300m);

        var low = CapacityChains.Best(Cargo(target: 2000m), [Direct], Lanes(offer), Rules, 1).Single();
        var high = CapacityChains.Best(Cargo(target: 5000m), [Direct], Lanes(offer), Rules, 1).Single();

        Assert.That(low.Score, Is.EqualTo(high.Score));
        Assert.That(low.Explanation, Is.EqualTo(high.Explanation));
        Assert.That(low.Explanation, Has.None.Contains("target"));
        Assert.That(low.OwnerScore, Is.Not.EqualTo(high.OwnerScore));
    }
}
