using Dapper;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using TradeHub.Matching.Contracts;

namespace TradeHub.Listings.Tests;

/// <summary>What the consumers apply from the bus: only what the message may change.</summary>
public class ConsumerTests
{
    private static async Task Publish<T>(T message, Guid messageId) where T : class =>
        await ListingsApp.Factory.Services.GetRequiredService<IBus>().Publish(message, c => c.MessageId = messageId);

    private static async Task Handled(string consumer, params Guid[] messageIds)
    {
        await using var connection = await ListingsApp.Db.OpenConnectionAsync();
        for (var i = 0; i < 300; i++)
        {
            var count = await connection.ExecuteScalarAsync<long>(
                "SELECT count(*) FROM inbox WHERE consumer = @Consumer AND message_id = ANY(@Ids)",
                new { Consumer = consumer, Ids = messageIds });
            if (count == messageIds.Length) return;
            await Task.Delay(100);
        }
        Assert.Fail($"{consumer} did not handle {messageIds.Length} messages");
    }

    private static async Task<string> Status(string table, string id)
    {
        await using var connection = await ListingsApp.Db.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<string>($"SELECT status FROM {table} WHERE id = @Id", new { Id = Guid.Parse(id) }) ?? "";
    }

    [Test]
    public async Task A_confirmed_match_marks_only_its_parties_offers_of_its_kind_matched()
    {
        using var victim = ListingsApp.As("consumer-victim", "sme");
        using var party = ListingsApp.As("consumer-party", "sme");
        var victimCargo = (await (await victim.PostJson("/api/cargo-offers", Requests.CargoOffer())).Created())["id"]!.ToString();
        var partyCargo = (await (await party.PostJson("/api/cargo-offers", Requests.CargoOffer())).Created())["id"]!.ToString();
        var partyTrade = (await (await party.PostJson("/api/trade-offers", Requests.TradeOffer())).Created())["id"]!.ToString();

        var message = Guid.NewGuid();
        await Publish(new MatchConfirmed
        {
            MatchId = Guid.NewGuid(), Kind = "cargo-capacity",
            OfferIds = [Guid.Parse(victimCargo), Guid.Parse(partyCargo), Guid.Parse(partyTrade)],
            PartyOrgs = ["consumer-party", "some-carrier"], Origin = "CNTSN", Destination = "UZTAS", Corridor = "",
            Mode = "rail", Containers = 2, WeightKg = 36000, ConfirmedAt = DateTimeOffset.UtcNow,
        }, message);
        await Handled("listings.match-confirmed", message);

        Assert.That(await Status("cargo_offers", partyCargo), Is.EqualTo("matched"));
        Assert.That(await Status("cargo_offers", victimCargo), Is.EqualTo("open"), "not a party's offer");
        Assert.That(await Status("trade_offers", partyTrade), Is.EqualTo("open"), "not an offer of a cargo match");
    }

    [Test]
    public async Task A_reservation_of_no_negative_or_impossible_room_is_ignored()
    {
        using var carrier = ListingsApp.As("consumer-carrier", "carrier");
        var offer = (await (await carrier.PostJson("/api/capacity-offers", Requests.CapacityOffer())).Created())["id"]!.ToString();
        var id = Guid.Parse(offer);

        var bad = new[] { Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid() };
        var good = Guid.NewGuid();
        CapacityReserved Reserve(int containers) =>
            new() { CapacityOfferId = id, MatchId = Guid.NewGuid(), Containers = containers, At = DateTimeOffset.UtcNow };
        await Publish(Reserve(-5), bad[0]);
        await Publish(Reserve(0), bad[1]);
        await Publish(Reserve(11), bad[2]);
        await Publish(Reserve(3), good);
        await Handled("listings.capacity-reserved", [.. bad, good]);

        await using var connection = await ListingsApp.Db.OpenConnectionAsync();
        var left = await connection.ExecuteScalarAsync<int>("SELECT containers_left FROM capacity_offers WHERE id = @Id", new { Id = id });
        Assert.That(left, Is.EqualTo(7));
        Assert.That(await Status("capacity_offers", offer), Is.EqualTo("open"));
    }
}

/// <summary>A tender's award becomes the winning carriers' capacity, reserved for the shipper.</summary>
public class TenderAwardConsumerTests
{
    [Test]
    public async Task An_award_posts_each_winning_lane_as_capacity_of_its_carrier_reserved_for_the_shipper()
    {
        var tenderId = Guid.NewGuid();
        var shipper = $"tender-shipper-{Guid.NewGuid():N}"[..24];
        var carrier = $"tender-rail-{Guid.NewGuid():N}"[..24];
        var from = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(10));
        TradeHub.Tenders.Contracts.AwardedLane Lane(string reference, string destination, int count, decimal price) => new()
        {
            LaneRef = reference, Origin = "CNTSN", Destination = destination, Mode = "rail", ContainerCount = count, ContainerType = "40HC",
            From = from, To = from.AddDays(30), CarrierOrg = carrier, PackageRef = "central-asia", PricePerContainer = price,
        };
        var message = Guid.NewGuid();
        await ListingsApp.Factory.Services.GetRequiredService<IBus>().Publish(new TradeHub.Tenders.Contracts.TenderAwarded
        {
            TenderId = tenderId, OwnerOrg = shipper, Status = "awarded", Optimal = true, TotalCost = 14400m, Currency = "USD",
            Lanes = [Lane("TAS", "UZTAS", 4, 2100m), Lane("ALA", "KZALA", 3, 2000m)], Uncovered = [], Bidders = [carrier],
            AwardedAt = DateTimeOffset.UtcNow,
        }, c => c.MessageId = message);
        // Twice: the inbox makes the second a no-op.
        await ListingsApp.Factory.Services.GetRequiredService<IBus>().Publish(new TradeHub.Tenders.Contracts.TenderAwarded
        {
            TenderId = tenderId, OwnerOrg = shipper, Status = "awarded", Optimal = true, TotalCost = 14400m, Currency = "USD",
            Lanes = [Lane("TAS", "UZTAS", 4, 2100m), Lane("ALA", "KZALA", 3, 2000m)], Uncovered = [], Bidders = [carrier],
            AwardedAt = DateTimeOffset.UtcNow,
        }, c => c.MessageId = message);

        await using var connection = await ListingsApp.Db.OpenConnectionAsync();
        List<(string carrier_org, string to_node, int container_count, decimal price_per_container_amount, string reserved_for)> rows = [];
        for (var i = 0; i < 300 && rows.Count < 2; i++)
        {
            await Task.Delay(100);
            rows = (await connection.QueryAsync<(string, string, int, decimal, string)>(
                "SELECT carrier_org, to_node, container_count, price_per_container_amount, reserved_for FROM capacity_offers WHERE tender_id = @Id ORDER BY to_node",
                new { Id = tenderId })).AsList();
        }
        await Task.Delay(500);
        var count = await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM capacity_offers WHERE tender_id = @Id", new { Id = tenderId });

        Assert.That(count, Is.EqualTo(2));
        Assert.That(rows.Select(r => r.to_node), Is.EqualTo(new[] { "KZALA", "UZTAS" }));
        Assert.That(rows.All(r => r.carrier_org == carrier && r.reserved_for == shipper), Is.True);
        Assert.That(rows[1].price_per_container_amount, Is.EqualTo(2100m));
        var transitDays = await connection.ExecuteScalarAsync<int>(
            "SELECT transit_days FROM capacity_offers WHERE tender_id = @Id AND to_node = 'UZTAS'", new { Id = tenderId });
        var hours = TradeHub.Hosting.Corridors.CorridorTransit.FromEmbeddedCorridorData().Hours("CNTSN", "UZTAS", "rail")!.Value;
        Assert.That(transitDays, Is.EqualTo((int)Math.Ceiling(hours / 24)));
        Assert.That(transitDays, Is.GreaterThan(1), "the corridor network's time, not a placeholder day");

        using var asShipper = ListingsApp.As(shipper, "sme");
        using var asOther = ListingsApp.As("someone-else", "sme");
        var shipperSees = await asShipper.GetStringAsync("/api/capacity-offers?to=UZTAS&limit=500");
        var otherSees = await asOther.GetStringAsync("/api/capacity-offers?to=UZTAS&limit=500");
        Assert.That(shipperSees, Does.Contain(shipper));
        Assert.That(otherSees, Does.Not.Contain(shipper));
    }
}
