using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using TradeHub.Matching.CargoMatching;
using TradeHub.Matching.Matches;
using TradeHub.Matching.Offers;
using static TradeHub.Matching.Tests.Database.Messages;

namespace TradeHub.Matching.Tests.Database;

public class ExpiryTests : ConsumerRig
{
    /// <summary>A clock standing still at a chosen moment.</summary>
    private sealed class At(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private static readonly DateTimeOffset ReadyDay = new(Ready.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    private ProposalExpiry Expiry(DateTimeOffset now) => new(Outbox, Services.GetRequiredService<Partitions>(),
        new MatchingRules(), new At(now), NullLogger<ProposalExpiry>.Instance);

    private const string OpenWith = """
        SELECT count(*) FROM matches WHERE offer_ids @> ARRAY[@A, @B] AND status IN ('proposed', 'accepted')
        """;

    [Test]
    public async Task An_undecided_proposal_expires_after_its_lifetime_its_parties_are_told_and_the_place_goes_to_the_next_best()
    {
        await Deliver(Logistics(1, 2000m));
        var sellers = Enumerable.Range(0, 4).Select(i => Trade("sell", "tianjin-textiles", "CNTSN", 1.00m + i * 0.01m)).ToList();
        foreach (var s in sellers) await Deliver(s);
        var buyer = Trade("buy", "minsk-garments", "UZTAS", 2.60m);
        await Deliver(buyer);
        Assert.That(await Scalar<long>(OpenWith, new { A = buyer.TradeOfferId, B = sellers[3].TradeOfferId }), Is.Zero);
        // The proposal with the best seller was made four days before the sweep, the others just now.
        var now = ReadyDay.AddDays(10);
        var old = await Scalar<Guid>("SELECT id FROM matches WHERE offer_ids @> ARRAY[@A, @B]",
            new { A = buyer.TradeOfferId, B = sellers[0].TradeOfferId });
        await using (var connection = await DataSource.OpenConnectionAsync())
            await Dapper.SqlMapper.ExecuteAsync(connection, """
                UPDATE matches SET proposed_at = CASE WHEN id = @Old THEN @Long ELSE @Recent END
                """, new { Old = old, Long = now.AddDays(-4), Recent = now.AddHours(-1) });

        var expired = await Expiry(now).ExpireDue();

        Assert.That(expired, Is.EqualTo(1));
        var row = (await Query<(string Status, string Reason)>(
            "SELECT status, decline_reason FROM matches WHERE id = @Old", new { Old = old })).Single();
        Assert.That(row.Status, Is.EqualTo("expired"));
        Assert.That(row.Reason, Is.EqualTo("no decision within 3 days of the proposal"));
        Assert.That(await Outboxed("MatchExpired"), Is.EqualTo(1));
        Assert.That(await Scalar<long>(OpenWith, new { A = buyer.TradeOfferId, B = sellers[3].TradeOfferId }), Is.EqualTo(1),
            "the buyer's freed place goes to the next best seller");
        Assert.That(await Expiry(now).ExpireDue(), Is.Zero, "a second sweep finds nothing more to expire");
    }

    [Test]
    public async Task A_proposal_expires_when_an_offer_s_validity_ends_and_nothing_past_its_days_is_proposed_instead()
    {
        var cargo = Cargo();
        await Deliver(Routes(cargo));
        await Deliver(China());
        await Deliver(Central());
        Assert.That(await Scalar<long>("SELECT count(*) FROM matches WHERE status = 'proposed'"), Is.EqualTo(1));

        // The first carrier departs by the third day: the proposal is still good on the second, not on the fifth.
        Assert.That(await Expiry(ReadyDay.AddDays(1)).ExpireDue(), Is.Zero);
        var expired = await Expiry(ReadyDay.AddDays(5)).ExpireDue();

        Assert.That(expired, Is.EqualTo(1));
        Assert.That(await Scalar<string>("SELECT status FROM matches"), Is.EqualTo("expired"));
        Assert.That(await Scalar<string>("SELECT decline_reason FROM matches"), Does.Contain("departed by 2026-03-03"));
        Assert.That(await Outboxed("MatchExpired"), Is.EqualTo(1));
        Assert.That(await Scalar<long>("SELECT count(*) FROM matches"), Is.EqualTo(1));
    }

    [Test]
    public async Task Two_instances_sweeping_at_once_expire_each_proposal_once()
    {
        await Deliver(Logistics(1, 2000m));
        foreach (var i in Enumerable.Range(0, 20))
        {
            await Deliver(Trade("sell", $"seller-{i}", "CNTSN", 1.00m));
            await Deliver(Trade("buy", $"buyer-{i}", "UZTAS", 2.60m));
        }
        var open = await Scalar<long>("SELECT count(*) FROM matches WHERE status = 'proposed'");
        var now = ReadyDay.AddDays(61); // past every trade offer's valid-until

        var both = await Task.WhenAll(Expiry(now).ExpireDue(), Expiry(now).ExpireDue());

        Assert.That(both.Sum(), Is.EqualTo(open));
        Assert.That(await Outboxed("MatchExpired"), Is.EqualTo(open));
        Assert.That(await Scalar<long>("SELECT count(*) FROM matches WHERE status <> 'expired'"), Is.Zero);
    }
}
