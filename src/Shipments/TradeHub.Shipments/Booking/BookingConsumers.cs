using System.Text.Json;
using Dapper;
using MassTransit;
using TradeHub.Hosting.Messaging;
using TradeHub.Listings.Contracts;
using TradeHub.Matching.Contracts;
using TradeHub.Routing.Contracts;

namespace TradeHub.Shipments.Booking;

/// <summary>
/// A cargo offer's current routes (legs with hours; a higher version replaces a lower one), with the shipper, places,
/// dates and containers of the offer when Routing carries them; they may complete a deal that arrived first. Every
/// cargo offer passes here, so the messages are taken in batches (<c>Bus.AddBatchConsumer</c>) and a batch costs two
/// statements: the inbox records with the offers' locks, then the offers and their routes stored and the pending
/// deals looked for.
/// </summary>
public sealed class CargoRoutesComputedConsumer(Outbox outbox, TimeProvider clock) : IConsumer<Batch<CargoRoutesComputed>>
{
    private const string Consumer = "shipments.cargo-routes-computed";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // The locks are taken only for new messages, in key order (Booking.Lock's keys and order, so no two transactions
    // wait for each other).
    private const string RecordAndLockSql = $"""
        WITH recorded AS ({Inbox.RecordManySql})
        SELECT message_id FROM (
            SELECT r.message_id, pg_advisory_xact_lock(hashtextextended(k.key, 0))
            FROM recorded r JOIN unnest(@MessageIds, @Keys) AS k(message_id, key) ON k.message_id = r.message_id
            ORDER BY k.key) locked
        """;

    // Read after the locks (a statement of its own snapshot): a deal committed before them is seen here, and one after
    // them sees these offers and their routes. Of two versions of one offer's routes in a batch the higher is kept.
    private const string StoreSql = """
        WITH received AS (
            SELECT * FROM unnest(@Ids, @Versions, @Routes, @OwnerOrgs, @Origins, @Destinations, @ReadyDates, @DeliverBys,
                @ContainerCounts, @ContainerTypes)
            AS r(id, version, routes, owner_org, origin, destination, ready_date, deliver_by, container_count, container_type)
        ), offers AS (
            INSERT INTO cargo_offers (id, owner_org, origin, destination, ready_date, deliver_by, container_count, container_type)
            SELECT DISTINCT ON (id) id, owner_org, origin, destination, ready_date, deliver_by, container_count, container_type
            FROM received WHERE origin IS NOT NULL ORDER BY id
            ON CONFLICT (id) DO NOTHING
        ), routes AS (
            INSERT INTO cargo_routes (cargo_offer_id, version, routes)
            SELECT DISTINCT ON (id) id, version, CAST(routes AS jsonb) FROM received ORDER BY id, version DESC
            ON CONFLICT (cargo_offer_id) DO UPDATE SET version = excluded.version, routes = excluded.routes
            WHERE cargo_routes.version < excluded.version
        )
        SELECT DISTINCT cargo_offer_id FROM pending_deals WHERE cargo_offer_id IN (SELECT id FROM received)
        ORDER BY cargo_offer_id
        """;

    public async Task Consume(ConsumeContext<Batch<CargoRoutesComputed>> context)
    {
        var batch = context.Message.Select(m =>
            (Id: m.MessageId ?? throw new InvalidOperationException("Message without MessageId"), Routes: m.Message)).ToList();
        await using var work = await outbox.Begin(context.CancellationToken);
        var (connection, tx) = work;
        var recorded = (await connection.QueryAsync<Guid>(RecordAndLockSql, new
        {
            Consumer, MessageIds = batch.Select(m => m.Id).ToArray(),
            Keys = batch.Select(m => $"cargo:{m.Routes.CargoOfferId}").ToArray(),
        }, tx)).ToHashSet();
        var received = batch.Where(m => recorded.Contains(m.Id)).Select(m => m.Routes).ToList();
        if (received.Count == 0) return; // all handled before
        var pending = (await connection.QueryAsync<Guid>(StoreSql, new
        {
            Ids = received.Select(m => m.CargoOfferId).ToArray(), Versions = received.Select(m => m.Version).ToArray(),
            Routes = received.Select(m => JsonSerializer.Serialize(m.Routes, Json)).ToArray(),
            OwnerOrgs = received.Select(m => m.Offer is null ? null : m.OwnerOrg).ToArray(),
            Origins = received.Select(m => m.Offer?.Origin).ToArray(),
            Destinations = received.Select(m => m.Offer?.Destination).ToArray(),
            ReadyDates = received.Select(m => m.Offer?.ReadyDate).ToArray(),
            DeliverBys = received.Select(m => m.Offer?.DeliverBy).ToArray(),
            ContainerCounts = received.Select(m => m.Offer?.ContainerCount).ToArray(),
            ContainerTypes = received.Select(m => m.Offer?.ContainerType).ToArray(),
        }, tx)).AsList();
        foreach (var cargoOfferId in pending) await Booking.BookReady(work, cargoOfferId, clock);
        await work.Commit(context.CancellationToken);
    }
}

/// <summary>A capacity offer's departure window and transit days; it may complete a match that arrived first.</summary>
public sealed class CapacityOfferPostedConsumer(Outbox outbox, TimeProvider clock) : IConsumer<CapacityOfferPosted>
{
    private const string InsertSql = """
        INSERT INTO capacity_offers (id, carrier_org, from_node, to_node, mode, departure_from, departure_to, transit_days)
        VALUES (@CapacityOfferId, @CarrierOrg, @From, @To, @Mode, @DepartureFrom, @DepartureTo, @TransitDays)
        ON CONFLICT (id) DO NOTHING
        """;

    private const string WaitingSql = "SELECT DISTINCT cargo_offer_id FROM pending_deals WHERE capacity_offer_ids @> ARRAY[@Id]";

    public Task Consume(ConsumeContext<CapacityOfferPosted> context) =>
        outbox.HandleOnce(context, "shipments.capacity-offer-posted", async work =>
        {
            var (connection, tx) = work;
            var m = context.Message;
            await connection.Lock(tx, [m.CapacityOfferId], []);
            await connection.ExecuteAsync(InsertSql, m, tx);
            var waiting = (await connection.QueryAsync<Guid>(WaitingSql, new { Id = m.CapacityOfferId }, tx)).AsList();
            if (waiting.Count == 0) return;
            await connection.Lock(tx, [], waiting);
            foreach (var cargoOfferId in waiting.Order()) await Booking.BookReady(work, cargoOfferId, clock);
        });
}

/// <summary>A confirmed cargo-capacity match books a shipment over the match's legs, each with its carrier.</summary>
public sealed class MatchConfirmedConsumer(Outbox outbox, TimeProvider clock) : IConsumer<MatchConfirmed>
{
    public Task Consume(ConsumeContext<MatchConfirmed> context)
    {
        var m = context.Message;
        if (m.Kind != "cargo-capacity" || m.Legs.Count == 0) return Task.CompletedTask;
        var capacityIds = m.Legs.Select(l => l.CapacityOfferId).ToHashSet();
        var cargoOfferId = m.OfferIds.FirstOrDefault(id => !capacityIds.Contains(id));
        if (cargoOfferId == Guid.Empty) return Task.CompletedTask;
        var deal = Deal.OfMatch(m.MatchId, cargoOfferId,
            m.Legs.Select(l => new DealLeg(l.CapacityOfferId, l.CarrierOrg, l.From, l.To, l.Mode)).ToList());
        return outbox.HandleOnce(context, "shipments.match-confirmed", async work =>
        {
            var (connection, tx) = work;
            await connection.Lock(tx, capacityIds, [cargoOfferId]);
            await Booking.Receive(work, deal, clock);
        });
    }
}

/// <summary>An awarded bid books a shipment with the bid's carrier on every leg of its route (else the offer's best route).</summary>
public sealed class BidAwardedConsumer(Outbox outbox, TimeProvider clock) : IConsumer<BidAwarded>
{
    public Task Consume(ConsumeContext<BidAwarded> context)
    {
        var m = context.Message;
        var deal = Deal.OfBid(m.BidId, m.CargoOfferId, m.CarrierOrg, m.RouteId);
        return outbox.HandleOnce(context, "shipments.bid-awarded", async work =>
        {
            var (connection, tx) = work;
            await connection.Lock(tx, [], [m.CargoOfferId]);
            await Booking.Receive(work, deal, clock);
        });
    }
}

public static class BookingRegistration
{
    /// <summary>The consumers that book shipments (the service and the tests register the same set).</summary>
    public static void AddBookingConsumers(this IBusRegistrationConfigurator x)
    {
        x.AddBatchConsumer<CargoRoutesComputedConsumer>();
        x.AddConsumer<CapacityOfferPostedConsumer>();
        x.AddConsumer<MatchConfirmedConsumer>();
        x.AddConsumer<BidAwardedConsumer>();
        x.AddConsumer<PoolFormedConsumer>();
    }
}
