using TradeHub.Listings.Contracts;
using TradeHub.Matching.Matches;
using static TradeHub.Matching.Tests.Database.Messages;

namespace TradeHub.Matching.Tests.Database;

public class ConsumerTests : ConsumerRig
{
    private const string OpenCargoMatches = "SELECT count(*) FROM matches WHERE kind = 'cargo-capacity' AND status = 'proposed'";

    [Test]
    public async Task The_same_message_twice_has_one_effect()
    {
        var cargo = Cargo();
        await Deliver(China());
        await Deliver(Central());
        var messageId = Guid.NewGuid();

        await Deliver(Routes(cargo), messageId);
        await Deliver(Routes(cargo), messageId);

        Assert.That(await Scalar<long>("SELECT count(*) FROM cargo_offers"), Is.EqualTo(1));
        Assert.That(await Scalar<long>(OpenCargoMatches), Is.EqualTo(1));
        Assert.That(await Outboxed("MatchProposed"), Is.EqualTo(1));
    }

    [Test]
    public async Task The_same_capacity_posted_again_under_a_new_message_id_proposes_nothing_new()
    {
        var cargo = Cargo();
        await Deliver(Routes(cargo));
        var central = Central();
        await Deliver(China());
        await Deliver(central);
        await Deliver(central);

        Assert.That(await Scalar<long>(OpenCargoMatches), Is.EqualTo(1));
        Assert.That(await Outboxed("MatchProposed"), Is.EqualTo(1));
    }

    [Test]
    public async Task The_routes_bring_their_offer_and_it_is_matched_on_them()
    {
        var cargo = Cargo();
        await Deliver(China());
        await Deliver(Central());

        await Deliver(Routes(cargo));

        var parties = await Query<string[]>("SELECT party_orgs FROM matches");
        Assert.That(parties, Has.Count.EqualTo(1));
        Assert.That(parties[0], Is.EquivalentTo(new[] { "tianjin-textiles", "china-rail", "kaz-rail" }));
        Assert.That(await Scalar<decimal>("SELECT weight_kg FROM cargo_offers"), Is.EqualTo(cargo.WeightKg));
    }

    [Test]
    public async Task Routes_without_their_offer_re_route_a_known_offer_and_of_an_unknown_one_propose_nothing()
    {
        // Routing stores the offer's terms with its routes; offers it stored before that re-route without them.
        var cargo = Cargo();
        await Deliver(Routes(cargo, viaKhorgos: false));
        await Deliver(China());
        await Deliver(Central());
        Assert.That(await Scalar<long>(OpenCargoMatches), Is.Zero);

        await Deliver(RoutesOnly(cargo.CargoOfferId, version: 2));
        var unknown = Cargo();
        await Deliver(RoutesOnly(unknown.CargoOfferId));

        Assert.That(await Scalar<long>(OpenCargoMatches), Is.EqualTo(1));
        Assert.That(await Scalar<long>("SELECT count(*) FROM cargo_offers"), Is.EqualTo(1));
        Assert.That(await Scalar<long>("SELECT count(*) FROM matches WHERE offer_ids @> ARRAY[@Id]", new { Id = unknown.CargoOfferId }),
            Is.Zero);
    }

    [Test]
    public async Task Capacity_arriving_last_completes_a_chain_found_through_the_node_index()
    {
        var cargo = Cargo();
        await Deliver(Routes(cargo));
        await Deliver(China());
        Assert.That(await Scalar<long>(OpenCargoMatches), Is.Zero);

        await Deliver(Central());

        Assert.That(await Scalar<long>(OpenCargoMatches), Is.EqualTo(1));
        Assert.That(await Scalar<string>("SELECT corridor FROM matches"), Is.EqualTo("CNKHG"));
    }

    [Test]
    public async Task A_withdrawal_before_the_post_keeps_the_offer_closed()
    {
        var cargo = Cargo();
        await Deliver(Routes(cargo));
        await Deliver(China());
        var central = Central();
        await Deliver(new CapacityOfferWithdrawn { CapacityOfferId = central.CapacityOfferId, CarrierOrg = "kaz-rail", At = DateTimeOffset.UtcNow });

        await Deliver(central);

        Assert.That(await Scalar<string>("SELECT status FROM capacity_offers WHERE id = @Id", new { Id = central.CapacityOfferId }),
            Is.EqualTo("withdrawn"));
        Assert.That(await Scalar<long>("SELECT count(*) FROM matches"), Is.Zero);
        Assert.That((await Index()).Read(i => i.Capacity(central.CapacityOfferId)), Is.Null);
    }

    [Test]
    public async Task A_cargo_offer_that_expired_before_its_routes_arrived_is_never_matched()
    {
        var cargo = Cargo();
        await Deliver(new CargoOfferExpired { CargoOfferId = cargo.CargoOfferId, OwnerOrg = cargo.OwnerOrg, At = DateTimeOffset.UtcNow });
        await Deliver(China());
        await Deliver(Central());

        await Deliver(Routes(cargo));

        Assert.That(await Scalar<string>("SELECT status FROM cargo_offers"), Is.EqualTo("expired"));
        Assert.That(await Scalar<long>("SELECT count(*) FROM matches"), Is.Zero);
    }

    [Test]
    public async Task A_trade_offer_withdrawn_before_its_post_arrived_is_never_matched()
    {
        await Deliver(Logistics(1, 5000m));
        await Deliver(Trade("sell", "tianjin-textiles", "CNTSN", 2.00m));
        var buyer = Trade("buy", "tashkent-garments", "UZTAS", 2.50m);
        await Deliver(new TradeOfferWithdrawn { TradeOfferId = buyer.TradeOfferId, OwnerOrg = buyer.OwnerOrg, At = DateTimeOffset.UtcNow });

        await Deliver(buyer);

        Assert.That(await Scalar<long>("SELECT count(*) FROM matches"), Is.Zero);
        Assert.That(await Scalar<string>("SELECT status FROM trade_offers WHERE id = @Id", new { Id = buyer.TradeOfferId }),
            Is.EqualTo("withdrawn"));
    }

    [Test]
    public async Task An_expired_trade_offer_closes_as_expired_and_is_never_matched()
    {
        await Deliver(Logistics(1, 5000m));
        await Deliver(Trade("sell", "tianjin-textiles", "CNTSN", 2.00m));
        var buyer = Trade("buy", "tashkent-garments", "UZTAS", 2.50m);
        await Deliver(new TradeOfferExpired { TradeOfferId = buyer.TradeOfferId, OwnerOrg = buyer.OwnerOrg, At = DateTimeOffset.UtcNow });

        await Deliver(buyer);

        Assert.That(await Scalar<long>("SELECT count(*) FROM matches"), Is.Zero);
        Assert.That(await Scalar<string>("SELECT status FROM trade_offers WHERE id = @Id", new { Id = buyer.TradeOfferId }),
            Is.EqualTo("expired"));
    }

    [Test]
    public async Task An_expired_capacity_offer_declines_its_open_proposals_saying_it_expired()
    {
        var cargo = Cargo();
        await Deliver(Routes(cargo));
        var china = China();
        await Deliver(china);
        await Deliver(Central());

        await Deliver(new CapacityOfferExpired { CapacityOfferId = china.CapacityOfferId, CarrierOrg = "china-rail", At = DateTimeOffset.UtcNow });

        Assert.That(await Scalar<string>("SELECT status FROM matches"), Is.EqualTo("declined"));
        Assert.That(await Scalar<string>("SELECT decline_reason FROM matches"), Is.EqualTo("the capacity offer was expired"));
    }

    [Test]
    public async Task A_withdrawn_offer_declines_its_open_proposals_with_a_reason()
    {
        var cargo = Cargo();
        await Deliver(Routes(cargo));
        var china = China();
        await Deliver(china);
        await Deliver(Central());

        await Deliver(new CapacityOfferWithdrawn { CapacityOfferId = china.CapacityOfferId, CarrierOrg = "china-rail", At = DateTimeOffset.UtcNow });

        Assert.That(await Scalar<string>("SELECT status FROM matches"), Is.EqualTo("declined"));
        Assert.That(await Scalar<string>("SELECT decline_reason FROM matches"), Is.EqualTo("the capacity offer was withdrawn"));
        Assert.That(await Outboxed("MatchDeclined"), Is.EqualTo(1));
    }

    [Test]
    public async Task A_withdrawn_capacity_offer_announces_the_decline_of_each_of_its_proposals()
    {
        var china = await FiveProposalsThroughOneCapacityOffer();

        await Deliver(new CapacityOfferWithdrawn { CapacityOfferId = china.CapacityOfferId, CarrierOrg = "china-rail", At = DateTimeOffset.UtcNow });

        var declined = await Query<Guid>("SELECT id FROM matches WHERE status = 'declined' ORDER BY id");
        var announced = await AnnouncedDeclines();
        Assert.That(declined, Has.Count.EqualTo(5));
        Assert.That(announced, Is.EqualTo(declined), "one MatchDeclined per declined proposal, naming it");
        Assert.That(await Scalar<long>("SELECT count(DISTINCT id) FROM outbox"), Is.EqualTo(await Scalar<long>("SELECT count(*) FROM outbox")));
    }

    [Test]
    public async Task Declines_go_in_chunks_until_none_is_open_and_each_is_announced_once()
    {
        var china = await FiveProposalsThroughOneCapacityOffer();

        // Chunks of two: two full, one short (the last), as an offer with thousands of proposals goes in chunks of 500.
        await using var tx = await Outbox.Begin();
        var declined = await tx.DeclineOpen(china.CapacityOfferId, "test", chunk: 2);
        await tx.Commit();

        Assert.That(declined, Is.EqualTo(5));
        Assert.That(await Scalar<long>("SELECT count(*) FROM matches WHERE status = 'declined'"), Is.EqualTo(5));
        var announced = await AnnouncedDeclines();
        Assert.That(announced, Is.EqualTo(await Query<Guid>("SELECT id FROM matches ORDER BY id")));
    }

    /// <summary>Five cargo offers, each proposed along the same two capacity offers; returns the first of them.</summary>
    private async Task<CapacityOfferPosted> FiveProposalsThroughOneCapacityOffer()
    {
        var china = China(containers: 500);
        await Deliver(china);
        await Deliver(Central(containers: 500));
        for (var i = 0; i < 5; i++)
        {
            var cargo = Cargo();
            await Deliver(Routes(cargo));
        }
        Assert.That(await Scalar<long>("SELECT count(*) FROM matches WHERE status = 'proposed'"), Is.EqualTo(5));
        return china;
    }

    private Task<List<Guid>> AnnouncedDeclines() => Query<Guid>("""
        SELECT CAST(body->>'matchId' AS uuid) FROM outbox WHERE message_type LIKE '%.MatchDeclined, %' ORDER BY 1
        """);

    [Test]
    public async Task An_older_route_version_does_not_replace_a_newer_one()
    {
        var cargo = Cargo();
        await Deliver(Routes(cargo, version: 2, viaKhorgos: false));
        await Deliver(Routes(cargo, version: 1));
        await Deliver(China());
        await Deliver(Central());

        Assert.That(await Scalar<long>("SELECT version FROM cargo_routes"), Is.EqualTo(2));
        Assert.That(await Scalar<long>("SELECT count(*) FROM matches"), Is.Zero);
    }

    [Test]
    public async Task A_re_routing_away_from_the_crossing_declines_proposals_on_the_old_route()
    {
        var cargo = Cargo();
        await Deliver(Routes(cargo));
        await Deliver(China());
        await Deliver(Central());

        await Deliver(Routes(cargo, version: 2, viaKhorgos: false));

        Assert.That(await Scalar<string>("SELECT status FROM matches"), Is.EqualTo("declined"));
        Assert.That(await Scalar<string>("SELECT decline_reason FROM matches"), Does.Contain("no longer among"));
    }

    [Test]
    public async Task A_buyer_is_matched_once_the_logistics_table_prices_the_lane()
    {
        var seller = Trade("sell", "tianjin-textiles", "CNTSN", 2.00m);
        await Deliver(seller);
        var buyer = Trade("buy", "tashkent-garments", "UZTAS", 2.50m);
        await Deliver(buyer);
        Assert.That(await Scalar<long>("SELECT count(*) FROM matches"), Is.Zero);

        await Deliver(Logistics(1, 5000m));

        Assert.That(await Scalar<string>("SELECT kind FROM matches"), Is.EqualTo("trade"));
        Assert.That(await Scalar<decimal>("SELECT price_amount FROM matches"), Is.EqualTo(2.20m));
        Assert.That(await Scalar<string>("SELECT route_summary FROM matches"), Is.EqualTo("CNTSN -rail-> KZALT -rail-> UZTAS"));
    }

    [Test]
    public async Task An_awarded_bid_counts_as_a_flow_on_its_route_and_closes_the_cargo_offer()
    {
        var cargo = Cargo();
        await Deliver(Routes(cargo));
        var award = new BidAwarded
        {
            BidId = Guid.NewGuid(), CargoOfferId = cargo.CargoOfferId, CarrierOrg = "kaz-rail", CargoOwnerOrg = "tianjin-textiles",
            Origin = "CNTSN", Destination = "UZTAS", ContainerCount = 2, ContainerType = "40GP", WeightKg = 36_000m,
            HsCode = "520812", RouteId = "khorgos-v1", PriceAmount = 4000m, PriceCurrency = "USD",
            AwardedAt = new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero),
        };

        await Deliver(award);
        await Deliver(award);

        var flows = await Query<(string Corridor, string Mode, string HsChapter, DateTime Month)>(
            "SELECT corridor, mode, hs_chapter, month FROM flows");
        Assert.That(flows, Is.EqualTo(new[] { ("CNKHG", "rail", "52", new DateTime(2026, 3, 1)) }));
        Assert.That(await Scalar<string>("SELECT status FROM cargo_offers"), Is.EqualTo("awarded"));
    }
}
