using Dapper;
using MassTransit;
using TradeHub.Hosting.Messaging;
using TradeHub.Pools.Contracts;
using TradeHub.Shipments.Common;
using TradeHub.Shipments.Contracts;

namespace TradeHub.Shipments.Booking;

/// <summary>
/// A consolidation pool ran at its cut-off: every member gets a shipment on the operator's train, one leg by rail from
/// the pool's origin to its destination on the train's planned times. Once per member (deal key pool:&lt;pool&gt;:&lt;member&gt;),
/// whatever the redeliveries. A member with a cargo offer keeps its deliver-by date; loose cargo, which names none,
/// is due on the train's planned arrival.
/// </summary>
public sealed class PoolFormedConsumer(Outbox outbox, TimeProvider clock) : IConsumer<PoolFormed>
{
    private const string DeliverBySql = "SELECT id AS Id, deliver_by AS DeliverBy FROM cargo_offers WHERE id = ANY(@Ids)";

    // Every member in one statement: a 300-member train is one round trip, not 300.
    private const string InsertSql = """
        INSERT INTO shipments (id, deal_key, cargo_offer_id, pool_id, pool_member_id, shipper_org, carrier_orgs, status,
            origin, destination, deliver_by, container_count, container_type, legs, planned_arrival, estimated_arrival, booked_at)
        SELECT m.id, m.deal_key, m.cargo_offer_id, @PoolId, m.member_id, m.shipper_org, @CarrierOrgs, 'booked', @Origin,
            @Destination, m.deliver_by, m.container_count, @ContainerType, CAST(@Legs AS jsonb), @PlannedArrival,
            @PlannedArrival, @BookedAt
        FROM unnest(@Ids, @DealKeys, @CargoOfferIds, @MemberIds, @ShipperOrgs, @DeliverBys, @ContainerCounts)
            AS m(id, deal_key, cargo_offer_id, member_id, shipper_org, deliver_by, container_count)
        ON CONFLICT (deal_key) DO NOTHING
        RETURNING id
        """;

    private sealed record OfferDate(Guid Id, DateOnly DeliverBy);

    public Task Consume(ConsumeContext<PoolFormed> context) =>
        outbox.HandleOnce(context, "shipments.pool-formed", async work =>
        {
            var (connection, tx) = work;
            var pool = context.Message;
            var offers = pool.Members.Where(m => m.CargoOfferId is not null).Select(m => m.CargoOfferId!.Value).ToArray();
            var deliverBy = (await connection.QueryAsync<OfferDate>(DeliverBySql, new { Ids = offers }, tx))
                .ToDictionary(o => o.Id, o => o.DeliverBy);
            var hours = (pool.PlannedArrival - pool.PlannedDeparture).TotalHours;
            var leg = new Leg
            {
                From = pool.From, To = pool.To, Mode = "rail", Carrier = pool.OperatorOrg, Nodes = [pool.From, pool.To],
                Hours = hours, PlannedDeparture = pool.PlannedDeparture, PlannedArrival = pool.PlannedArrival,
                EstimatedDeparture = pool.PlannedDeparture, EstimatedArrival = pool.PlannedArrival,
            };
            var legs = Legs.ToJson([leg]);
            var now = clock.GetUtcNow();
            var booked = pool.Members.Select(member =>
            {
                // Loose cargo names no deliver-by date (due on the train's arrival) and travels in its shared boxes.
                var due = member.CargoOfferId is { } offer && deliverBy.TryGetValue(offer, out var date)
                    ? date
                    : DateOnly.FromDateTime(pool.PlannedArrival.UtcDateTime);
                return new ShipmentBooked
                {
                    ShipmentId = Guid.CreateVersion7(), CargoOfferId = member.CargoOfferId ?? member.MemberId, PoolId = pool.PoolId,
                    PoolMemberId = member.MemberId, ShipperOrg = member.Org, CarrierOrgs = [pool.OperatorOrg],
                    PartyOrgs = [member.Org, pool.OperatorOrg], Origin = pool.From, Destination = pool.To, DeliverBy = due,
                    Containers = member.FullContainers + member.SharedContainerNumbers.Count, ContainerType = pool.ContainerType,
                    Legs = [leg.Contract()], PlannedArrival = pool.PlannedArrival, BookedAt = now,
                };
            }).ToArray();
            var inserted = (await connection.QueryAsync<Guid>(InsertSql, new
            {
                Ids = booked.Select(b => b.ShipmentId).ToArray(),
                DealKeys = booked.Select(b => $"pool:{pool.PoolId}:{b.PoolMemberId}").ToArray(),
                CargoOfferIds = booked.Select(b => b.CargoOfferId).ToArray(),
                MemberIds = booked.Select(b => b.PoolMemberId!.Value).ToArray(),
                ShipperOrgs = booked.Select(b => b.ShipperOrg).ToArray(),
                DeliverBys = booked.Select(b => b.DeliverBy).ToArray(),
                ContainerCounts = booked.Select(b => b.Containers).ToArray(),
                pool.PoolId, CarrierOrgs = new[] { pool.OperatorOrg }, Origin = pool.From, Destination = pool.To,
                pool.ContainerType, Legs = legs, pool.PlannedArrival, BookedAt = now,
            }, tx)).ToHashSet();
            await work.EnqueueAll(booked.Where(b => inserted.Contains(b.ShipmentId)).ToArray());
        });
}
