using Microsoft.Extensions.DependencyInjection;
using TradeHub.Matching.Matches;
using TradeHub.Matching.Offers;
using static TradeHub.Matching.Tests.Database.Messages;

namespace TradeHub.Matching.Tests.Database;

public class LifecycleTests : ConsumerRig
{
    private async Task<Guid> ProposedChain(int containers = 2, Guid? chinaId = null, Guid? centralId = null, bool post = true)
    {
        var cargo = Cargo(containers: containers);
        await Deliver(Routes(cargo));
        if (post)
        {
            await Deliver(China(id: chinaId));
            await Deliver(Central(id: centralId));
        }
        return await Scalar<Guid>("SELECT id FROM matches WHERE offer_ids @> ARRAY[@Id]", new { Id = cargo.CargoOfferId });
    }

    [Test]
    public async Task A_match_is_confirmed_once_every_party_accepted_and_room_is_reserved()
    {
        var id = await ProposedChain();

        var first = await MatchLifecycle.Accept(Outbox, id, "tianjin-textiles", default);
        await MatchLifecycle.Accept(Outbox, id, "china-rail", default);
        var last = await MatchLifecycle.Accept(Outbox, id, "kaz-rail", default);

        Assert.That(first.Match!.Status, Is.EqualTo("accepted"));
        Assert.That(last.Match!.Status, Is.EqualTo("confirmed"));
        Assert.That(last.Match.AcceptedBy, Is.EquivalentTo(new[] { "tianjin-textiles", "china-rail", "kaz-rail" }));
        Assert.That(await Query<int>("SELECT containers FROM capacity_offers"), Is.EqualTo(new[] { 8, 8 }));
        Assert.That(await Outboxed("MatchConfirmed"), Is.EqualTo(1));
        Assert.That(await Outboxed("CapacityReserved"), Is.EqualTo(2));
        Assert.That(await Scalar<long>("SELECT sum(containers) FROM flows"), Is.EqualTo(2));
    }

    [Test]
    public async Task A_stranger_gets_not_found_and_a_decided_match_a_conflict()
    {
        var id = await ProposedChain();

        var stranger = await MatchLifecycle.Accept(Outbox, id, "someone-else", default);
        var declined = await MatchLifecycle.Decline(Outbox, id, "kaz-rail", default);
        var late = await MatchLifecycle.Accept(Outbox, id, "tianjin-textiles", default);

        Assert.That(stranger.Status, Is.EqualTo(404));
        Assert.That(declined.Match!.Status, Is.EqualTo("declined"));
        Assert.That(declined.Match.DeclineReason, Is.EqualTo("declined by kaz-rail"));
        Assert.That(late.Status, Is.EqualTo(409));
    }

    [Test]
    public async Task Confirming_when_the_room_is_gone_is_a_conflict_and_the_dead_match_is_declined_with_the_reason()
    {
        var chinaId = Guid.NewGuid();
        var centralId = Guid.NewGuid();
        var id = await ProposedChain(containers: 2, chinaId, centralId);
        await MatchLifecycle.Accept(Outbox, id, "tianjin-textiles", default);
        await MatchLifecycle.Accept(Outbox, id, "china-rail", default);
        // Another instance's confirmation took the room between the proposal and the last accept.
        await using (var connection = await DataSource.OpenConnectionAsync())
            await Dapper.SqlMapper.ExecuteAsync(connection, "UPDATE capacity_offers SET containers = 1 WHERE id = @Id", new { Id = centralId });

        var conflict = await MatchLifecycle.Accept(Outbox, id, "kaz-rail", default);

        Assert.That(conflict.Status, Is.EqualTo(409));
        Assert.That(conflict.Problem, Does.Contain("no longer has room"));
        Assert.That(await Query<int>("SELECT containers FROM capacity_offers WHERE id = ANY(@Ids)",
            new { Ids = new[] { chinaId, centralId } }), Is.EquivalentTo(new[] { 10, 1 }));
        // A match that can never be confirmed does not stay accepted: it is declined with the reason, and its parties told.
        Assert.That(conflict.Match!.Status, Is.EqualTo("declined"));
        Assert.That(conflict.Match.DeclineReason, Does.Contain("no longer has room for 2 containers"));
        Assert.That(conflict.Freed.Single().OfferIds, Has.Member(conflict.Match.OfferIds[0]));
        Assert.That(await Outboxed("MatchDeclined"), Is.EqualTo(1));
        Assert.That(await Outboxed("CapacityReserved"), Is.Zero);
    }

    [Test]
    public async Task A_proposal_whose_capacity_another_confirmation_took_is_declined_at_once_and_the_cargo_gets_its_next_best_chain()
    {
        // 4 containers on each of the best pair, proposed to three cargo offers of 2; a second, later pair as well.
        var (china, central, china2, central2) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var cargo = Enumerable.Range(0, 3).Select(_ => Cargo(containers: 2)).ToList();
        foreach (var c in cargo)
        {
            await Deliver(Routes(c));
        }
        await Deliver(China(containers: 4, id: china));
        await Deliver(Central(containers: 4, id: central));
        await Deliver(Capacity("CNTSN", "CNKHG", 1, 3, 5, "china-rail-2", 10, china2));
        await Deliver(Capacity("KZALT", "UZTAS", 6, 10, 3, "kaz-rail-2", 10, central2));
        const string OnBestPair = "SELECT id FROM matches WHERE offer_ids @> ARRAY[@Cargo, @China, @Central]";
        var best = new List<Guid>();
        foreach (var c in cargo)
            best.Add(await Scalar<Guid>(OnBestPair, new { Cargo = c.CargoOfferId, China = china, Central = central }));

        Decision last = null!;
        foreach (var match in best.Take(2))
            foreach (var org in new[] { "tianjin-textiles", "china-rail", "kaz-rail" })
                last = await MatchLifecycle.Accept(Outbox, match, org, default);
        var third = cargo[2].CargoOfferId;

        // Declined at the second confirmation, with the reason, before anyone accepts it.
        Assert.That(last.Match!.Status, Is.EqualTo("confirmed"));
        Assert.That(await Scalar<string>("SELECT status FROM matches WHERE id = @Id", new { Id = best[2] }), Is.EqualTo("declined"));
        Assert.That(await Scalar<string>("SELECT decline_reason FROM matches WHERE id = @Id", new { Id = best[2] }),
            Does.Contain("no longer has room for 2 containers"));
        var late = await MatchLifecycle.Accept(Outbox, best[2], "kaz-rail", default);
        Assert.That(late.Status, Is.EqualTo(409));
        Assert.That(await Scalar<long>(
            "SELECT count(*) FROM matches WHERE offer_ids @> ARRAY[@Cargo] AND status IN ('proposed', 'accepted') AND offer_ids && ARRAY[@China, @Central]",
            new { Cargo = third, China = china, Central = central }), Is.Zero);

        // The third cargo offer's freed places go to its next best chain: the second pair.
        Assert.That(last.Freed.SelectMany(f => f.OfferIds), Has.Member(third));
        await Services.GetRequiredService<Partitions>().Refill(last.Freed, today: Ready);
        Assert.That(await Scalar<long>(
            "SELECT count(*) FROM matches WHERE offer_ids @> ARRAY[@Cargo, @China2, @Central2] AND status = 'proposed'",
            new { Cargo = third, China2 = china2, Central2 = central2 }), Is.EqualTo(1));
    }

    [Test]
    public async Task Confirming_when_the_room_is_gone_is_a_conflict_and_room_never_goes_below_zero()
    {
        var chinaId = Guid.NewGuid();
        var centralId = Guid.NewGuid();
        var first = await ProposedChain(containers: 2, chinaId, centralId);
        // A second shipment proposed on the same two offers, each with room for 3: only one of them can be confirmed.
        var cargo = Cargo(containers: 2);
        await Deliver(Routes(cargo));
        var second = await Scalar<Guid>("SELECT id FROM matches WHERE offer_ids @> ARRAY[@Id]", new { Id = cargo.CargoOfferId });
        await using (var connection = await DataSource.OpenConnectionAsync())
            await Dapper.SqlMapper.ExecuteAsync(connection, "UPDATE capacity_offers SET containers = 3");

        foreach (var org in new[] { "tianjin-textiles", "china-rail", "kaz-rail" })
            await MatchLifecycle.Accept(Outbox, first, org, default);
        await MatchLifecycle.Accept(Outbox, second, "tianjin-textiles", default);
        await MatchLifecycle.Accept(Outbox, second, "china-rail", default);
        var conflict = await MatchLifecycle.Accept(Outbox, second, "kaz-rail", default);

        Assert.That(conflict.Status, Is.EqualTo(409));
        Assert.That(await Query<int>("SELECT containers FROM capacity_offers WHERE id = ANY(@Ids) ORDER BY id",
            new { Ids = new[] { chinaId, centralId } }), Is.EqualTo(new[] { 1, 1 }));
        // Declined when the first was confirmed: it could never be confirmed after that.
        Assert.That(await Scalar<string>("SELECT status FROM matches WHERE id = @Id", new { Id = second }), Is.EqualTo("declined"));
        Assert.That(await Scalar<string>("SELECT decline_reason FROM matches WHERE id = @Id", new { Id = second }),
            Does.Contain("no longer has room"));
        Assert.That(await Outboxed("CapacityReserved"), Is.EqualTo(2));
    }

    [Test]
    public async Task The_same_offers_are_never_proposed_twice()
    {
        var id = await ProposedChain();
        var ids = await Scalar<Guid[]>("SELECT offer_ids FROM matches WHERE id = @Id", new { Id = id });
        var again = new Proposal(MatchKinds.CargoCapacity, [ids[2], ids[0], ids[1]], [ids[0]], ["tianjin-textiles"], 0.9, ["again"],
            [], null, null, null, null, null, "CNTSN", "UZTAS", "", "rail", null, 2, 0m);

        await using var tx = await Outbox.Begin();
        var added = await tx.Propose([again, again], new TradeHub.Matching.CargoMatching.MatchingRules());
        await tx.Commit();

        Assert.That(added, Is.Zero);
        Assert.That(await Scalar<long>("SELECT count(*) FROM matches"), Is.EqualTo(1));
    }

    [Test]
    public async Task A_proposal_is_planned_once_per_connection_and_leaves_the_plan_settings_as_they_were()
    {
        // Auto-prepared after two uses, as the services prepare theirs after five; then every proposal should run
        // on the one generic plan instead of being planned again (0.28 ms of server time each under load).
        var preparing = new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString) { MaxAutoPrepare = 10, AutoPrepareMinUsages = 2 };
        await using var connection = new Npgsql.NpgsqlConnection(preparing.ConnectionString);
        await connection.OpenAsync();
        for (var i = 0; i < 8; i++)
        {
            await using var tx = await connection.BeginTransactionAsync();
            var offer = Guid.NewGuid();
            var proposal = new Proposal(MatchKinds.CargoCapacity, [offer, Guid.NewGuid()], [offer], ["tianjin-textiles"], 0.5,
                ["planned once"], [], null, null, null, null, null, "CNTSN", "UZTAS", "", "rail", null, 1, 0m);
            Assert.That(await Outbox.Enlist(connection, tx).Propose([proposal], new TradeHub.Matching.CargoMatching.MatchingRules()), Is.EqualTo(1));
            Assert.That(await Dapper.SqlMapper.QuerySingleAsync<string>(connection,
                "SELECT current_setting('plan_cache_mode') || ' ' || current_setting('enable_seqscan')", transaction: tx),
                Is.EqualTo("auto on"), "the settings are the transaction's own again after the proposals");
            await tx.RollbackAsync();
        }

        var plans = await Dapper.SqlMapper.QuerySingleAsync<(long Generic, long Custom)>(connection,
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement LIKE '%INSERT INTO matches%'");
        Assert.That(plans.Custom, Is.Zero);
        Assert.That(plans.Generic, Is.GreaterThanOrEqualTo(6));
    }

    [Test]
    public async Task Confirming_a_match_declines_the_other_proposals_of_its_cargo_offer()
    {
        var cargo = Cargo();
        await Deliver(Routes(cargo));
        await Deliver(China());
        await Deliver(Central());
        await Deliver(Capacity("CNTSN", "UZTAS", 0, 2, 8, "through-rail"));
        var ids = await Query<Guid>("SELECT id FROM matches WHERE status = 'proposed' ORDER BY score DESC");
        Assert.That(ids, Has.Count.EqualTo(2));

        await MatchLifecycle.Accept(Outbox, ids[0], "tianjin-textiles", default);
        var parties = await Scalar<string[]>("SELECT party_orgs FROM matches WHERE id = @Id", new { Id = ids[0] });
        foreach (var org in parties) await MatchLifecycle.Accept(Outbox, ids[0], org, default);

        Assert.That(await Scalar<string>("SELECT status FROM matches WHERE id = @Id", new { Id = ids[1] }), Is.EqualTo("declined"));
        Assert.That(await Scalar<string>("SELECT status FROM cargo_offers"), Is.EqualTo("matched"));
    }
}
