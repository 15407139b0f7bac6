using Dapper;
using MassTransit;
using TradeHub.Hosting.Messaging;
using TradeHub.Matching.Contracts;

namespace TradeHub.Listings.Consumers;

/// <summary>A confirmed match takes its open cargo and trade offers off the market.</summary>
public sealed class MatchConfirmedConsumer(Outbox outbox) : IConsumer<MatchConfirmed>
{
    private const string MarkMatchedSql = """
        UPDATE cargo_offers SET status = 'matched', updated_at = now() WHERE id = ANY(@Ids) AND status = 'open';
        UPDATE trade_offers SET status = 'matched' WHERE id = ANY(@Ids) AND status = 'open';
        """;

    public Task Consume(ConsumeContext<MatchConfirmed> context) =>
        outbox.HandleOnce(context, "listings.match-confirmed", tx =>
            tx.Connection.ExecuteAsync(MarkMatchedSql, new { Ids = context.Message.OfferIds.ToArray() }, tx.Transaction));
}

/// <summary>A confirmed match took space from a capacity offer; the last box taken marks it matched.</summary>
public sealed class CapacityReservedConsumer(Outbox outbox) : IConsumer<CapacityReserved>
{
    private const string ReserveSql = """
        UPDATE capacity_offers
        SET containers_left = GREATEST(0, containers_left - @Containers),
            status = CASE WHEN containers_left - @Containers <= 0 AND status = 'open' THEN 'matched' ELSE status END
        WHERE id = @CapacityOfferId
        """;

    public Task Consume(ConsumeContext<CapacityReserved> context) =>
        outbox.HandleOnce(context, "listings.capacity-reserved", tx =>
            tx.Connection.ExecuteAsync(ReserveSql, new { context.Message.CapacityOfferId, context.Message.Containers }, tx.Transaction));
}
