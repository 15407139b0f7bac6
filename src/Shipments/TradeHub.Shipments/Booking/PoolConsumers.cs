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

    private const string InsertSql = """
        INSERT INTO shipments (id, deal_key, cargo_offer_id, pool_id, pool_member_id, shipper_org, carrier_orgs, status,
            origin, destination, deliver_by, container_count, container_type, legs, planned_arrival, estimated_arrival, booked_at)
        VALUES (@Id, @DealKey, @CargoOfferId, @PoolId, @PoolMemberId, @ShipperOrg, @CarrierOrgs, 'booked', @Origin,
            @Destination, @DeliverBy, @ContainerCount, @ContainerType, CAST(@Legs AS jsonb), @PlannedArrival,
            @PlannedArrival, @BookedAt)
        ON CONFLICT (deal_key) DO NOTHING
        RETURNING true
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
            foreach (var member in pool.Members)
            {
                var id = Guid.CreateVersion7();
                var cargoOfferId = member.CargoOfferId ?? member.MemberId;
                // A loose consignment travels in the shared boxes it was packed into.
                var containers = member.FullContainers + member.SharedContainerNumbers.Count;
                var due = member.CargoOfferId is { } offer && deliverBy.TryGetValue(offer, out var date)
                    ? date
                    : DateOnly.FromDateTime(pool.PlannedArrival.UtcDateTime);
                var inserted = await connection.ExecuteScalarAsync<bool?>(InsertSql, new
                {
                    Id = id, DealKey = $"pool:{pool.PoolId}:{member.MemberId}", CargoOfferId = cargoOfferId, pool.PoolId,
                    PoolMemberId = member.MemberId, ShipperOrg = member.Org, CarrierOrgs = new[] { pool.OperatorOrg },
                    Origin = pool.From, Destination = pool.To, DeliverBy = due, ContainerCount = containers,
                    pool.ContainerType, Legs = legs, pool.PlannedArrival, BookedAt = now,
                }, tx);
                if (inserted != true) continue;
                await work.Enqueue(new ShipmentBooked
                {
                    ShipmentId = id, CargoOfferId = cargoOfferId, PoolId = pool.PoolId, PoolMemberId = member.MemberId,
                    ShipperOrg = member.Org, CarrierOrgs = [pool.OperatorOrg], PartyOrgs = [member.Org, pool.OperatorOrg],
                    Origin = pool.From, Destination = pool.To, DeliverBy = due, Containers = containers,
                    ContainerType = pool.ContainerType, Legs = [leg.Contract()], PlannedArrival = pool.PlannedArrival,
                    BookedAt = now,
                });
            }
        });
}
