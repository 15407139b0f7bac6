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
/// cargo offer passes here, so it costs two statements: the inbox record with the offer's lock, then the offer and its
/// routes stored and the pending deals looked for.
/// </summary>
public sealed class CargoRoutesComputedConsumer(Outbox outbox, TimeProvider clock) : IConsumer<CargoRoutesComputed>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // The lock is taken only for a new message, the same as Booking.Lock's for the cargo offer.
    private const string RecordAndLockSql = $"""
        WITH recorded AS ({Inbox.RecordSql}),
        locked AS (SELECT pg_advisory_xact_lock(hashtextextended(@Key, 0)) FROM recorded)
        SELECT count(*) FROM locked
        """;

    private const string UpsertRoutesSql = """
        INSERT INTO cargo_routes (cargo_offer_id, version, routes) VALUES (@CargoOfferId, @Version, CAST(@Routes AS jsonb))
        ON CONFLICT (cargo_offer_id) DO UPDATE SET version = excluded.version, routes = excluded.routes
        WHERE cargo_routes.version < excluded.version
        """;

    // Read after the lock (a statement of its own snapshot): a deal committed before it is seen here, and one after
    // it sees this offer and its routes.
    private const string PendingSql = "SELECT EXISTS (SELECT 1 FROM pending_deals WHERE cargo_offer_id = @CargoOfferId)";

    private const string StoreRoutesSql = $"""
        WITH routes AS ({UpsertRoutesSql})
        {PendingSql}
        """;

    private const string StoreOfferAndRoutesSql = $"""
        WITH offer AS (
            INSERT INTO cargo_offers (id, owner_org, origin, destination, ready_date, deliver_by, container_count, container_type)
            VALUES (@CargoOfferId, @OwnerOrg, @Origin, @Destination, @ReadyDate, @DeliverBy, @ContainerCount, @ContainerType)
            ON CONFLICT (id) DO NOTHING),
        routes AS ({UpsertRoutesSql})
        {PendingSql}
        """;

    public async Task Consume(ConsumeContext<CargoRoutesComputed> context)
    {
        var m = context.Message;
        var messageId = context.MessageId ?? throw new InvalidOperationException("Message without MessageId");
        await using var work = await outbox.Begin(context.CancellationToken);
        var (connection, tx) = work;
        if (await connection.ExecuteScalarAsync<long>(RecordAndLockSql, new
            {
                MessageId = messageId, Consumer = "shipments.cargo-routes-computed", Key = $"cargo:{m.CargoOfferId}",
            }, tx) == 0)
            return; // handled before
        var routes = JsonSerializer.Serialize(m.Routes, Json);
        var pending = m.Offer is { } o
            ? await connection.ExecuteScalarAsync<bool>(StoreOfferAndRoutesSql, new
            {
                m.CargoOfferId, m.OwnerOrg, o.Origin, o.Destination, o.ReadyDate, o.DeliverBy, o.ContainerCount,
                o.ContainerType, m.Version, Routes = routes,
            }, tx)
            : await connection.ExecuteScalarAsync<bool>(StoreRoutesSql, new { m.CargoOfferId, m.Version, Routes = routes }, tx);
        if (pending) await Booking.BookReady(work, m.CargoOfferId, clock);
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
        x.AddConsumer<CargoRoutesComputedConsumer>();
        x.AddConsumer<CapacityOfferPostedConsumer>();
        x.AddConsumer<MatchConfirmedConsumer>();
        x.AddConsumer<BidAwardedConsumer>();
        x.AddConsumer<PoolFormedConsumer>();
    }
}
