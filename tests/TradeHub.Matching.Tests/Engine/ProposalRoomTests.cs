using TradeHub.Matching.Matches;

namespace TradeHub.Matching.Tests.Engine;

public class ProposalRoomTests
{
    private static Proposal Between(Guid a, Guid b, double score) => new("trade", [a, b], [a, b], ["s", "b"], score, [], [],
        null, null, null, null, null, "CNTSN", "UZTAS", "", "", "520812", 1, 25_000m);

    [Test]
    public void Saturated_counterparts_are_skipped_for_the_next_best_until_the_new_offer_is_full()
    {
        var buyer = Guid.NewGuid();
        var sellers = Enumerable.Range(0, 6).Select(_ => Guid.NewGuid()).ToList();
        var best = sellers.Select((s, i) => Between(s, buyer, 1 - i * 0.1)).ToList();
        var open = new Dictionary<Guid, int> { [sellers[0]] = 3, [sellers[2]] = 3, [sellers[3]] = 2 };

        var chosen = ProposalRoom.Choose(best, open, new HashSet<string>(), maxOpen: 3, take: int.MaxValue);

        Assert.That(chosen.Select(p => p.OfferIds[0]), Is.EqualTo(new[] { sellers[1], sellers[3], sellers[4] }));
    }

    [Test]
    public void A_match_proposed_before_takes_no_place()
    {
        var buyer = Guid.NewGuid();
        var sellers = Enumerable.Range(0, 4).Select(_ => Guid.NewGuid()).ToList();
        var best = sellers.Select((s, i) => Between(s, buyer, 1 - i * 0.1)).ToList();

        var chosen = ProposalRoom.Choose(best, new Dictionary<Guid, int>(), new HashSet<string> { best[0].OfferKey }, 3, 3);

        Assert.That(chosen.Select(p => p.OfferIds[0]), Is.EqualTo(sellers.Skip(1)));
    }

    [Test]
    public void Choices_in_one_call_share_a_counterpart_s_places()
    {
        var seller = Guid.NewGuid();
        var buyers = Enumerable.Range(0, 5).Select(_ => Guid.NewGuid()).ToList();
        var best = buyers.Select((b, i) => Between(seller, b, 1 - i * 0.1)).ToList();

        var chosen = ProposalRoom.Choose(best, new Dictionary<Guid, int> { [seller] = 1 }, new HashSet<string>(), 3, int.MaxValue);

        Assert.That(chosen, Has.Count.EqualTo(2));
    }

    [Test]
    public void The_next_page_of_candidates_sees_the_places_and_matches_the_page_before_took()
    {
        var seller = Guid.NewGuid();
        var buyers = Enumerable.Range(0, 6).Select(_ => Guid.NewGuid()).ToList();
        var best = buyers.Select((b, i) => Between(seller, b, 1 - i * 0.1)).ToList();
        var open = new Dictionary<Guid, int> { [seller] = 1 };
        var proposedBefore = new HashSet<string>();

        var first = ProposalRoom.Choose(best.Take(1), open, proposedBefore, 3, 3);
        var next = ProposalRoom.Choose(best.Take(1).Concat(best.Skip(3)), open, proposedBefore, 3, 3 - first.Count);

        Assert.That(first.Select(p => p.OfferIds[1]), Is.EqualTo(new[] { buyers[0] }));
        // The first buyer's match is not chosen twice, and the seller's last place goes to the best of the next page.
        Assert.That(next.Select(p => p.OfferIds[1]), Is.EqualTo(new[] { buyers[3] }));
    }
}
