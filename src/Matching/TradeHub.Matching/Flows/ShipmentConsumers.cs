using Dapper;
using MassTransit;
using TradeHub.Hosting.Messaging;
using TradeHub.Shipments.Contracts;

namespace TradeHub.Matching.Flows;

/// <summary>A deal's shipment was booked: its flow counts as shipped.</summary>
public sealed class ShipmentBookedConsumer(Outbox outbox) : IConsumer<ShipmentBooked>
{
    private const string UpsertSql = """
        INSERT INTO flow_shipments (shipment_id, source_id, booked_at) VALUES (@ShipmentId, @SourceId, @BookedAt)
        ON CONFLICT (shipment_id) DO UPDATE SET source_id = excluded.source_id, booked_at = excluded.booked_at
        """;

    public Task Consume(ConsumeContext<ShipmentBooked> context)
    {
        var m = context.Message;
        if ((m.MatchId ?? m.BidId) is not { } sourceId) return Task.CompletedTask;
        return outbox.HandleOnce(context, "matching.shipment-booked", tx =>
            tx.Connection.ExecuteAsync(UpsertSql, new { m.ShipmentId, SourceId = sourceId, m.BookedAt }, tx.Transaction));
    }
}

/// <summary>A deal's shipment was delivered: its flow counts as delivered.</summary>
public sealed class ShipmentDeliveredConsumer(Outbox outbox) : IConsumer<ShipmentDelivered>
{
    private const string UpsertSql = """
        INSERT INTO flow_shipments (shipment_id, delivered_at) VALUES (@ShipmentId, @DeliveredAt)
        ON CONFLICT (shipment_id) DO UPDATE SET delivered_at = excluded.delivered_at
        """;

    public Task Consume(ConsumeContext<ShipmentDelivered> context) =>
        outbox.HandleOnce(context, "matching.shipment-delivered", tx =>
            tx.Connection.ExecuteAsync(UpsertSql, new { context.Message.ShipmentId, context.Message.DeliveredAt }, tx.Transaction));
}
