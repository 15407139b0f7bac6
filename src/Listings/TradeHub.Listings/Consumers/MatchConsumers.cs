using Dapper;
using MassTransit;
using TradeHub.Hosting.Messaging;
using TradeHub.Listings.Common;
using TradeHub.Matching.Contracts;

namespace TradeHub.Listings.Consumers;

/// <summary>
/// A confirmed match takes its open cargo and trade offers off the market: only offers of the match's kind whose owners
/// are parties to it, so a message naming someone else's offer changes nothing.
/// </summary>
public sealed class MatchConfirmedConsumer(Outbox outbox) : IConsumer<MatchConfirmed>
{
    private const string MarkCargoSql = $"""
        UPDATE cargo_offers SET status = '{OfferStatus.Matched}', updated_at = now()
        WHERE id = ANY(@Ids) AND owner_org = ANY(@Parties) AND status = '{OfferStatus.Open}'
        """;

    private const string MarkTradeSql = $"""
        UPDATE trade_offers SET status = '{OfferStatus.Matched}'
        WHERE id = ANY(@Ids) AND owner_org = ANY(@Parties) AND status = '{OfferStatus.Open}'
        """;

    public Task Consume(ConsumeContext<MatchConfirmed> context) =>
        outbox.HandleOnce(context, "listings.match-confirmed", tx =>
        {
            var match = context.Message;
            var sql = match.Kind switch
            {
                "cargo-capacity" => MarkCargoSql,
                "trade" => MarkTradeSql,
                _ => null,
            };
            return sql is null
                ? Task.CompletedTask
                : tx.Connection.ExecuteAsync(sql, new { Ids = match.OfferIds.ToArray(), Parties = match.PartyOrgs.ToArray() }, tx.Transaction);
        });
}

/// <summary>
/// A confirmed match took space from a capacity offer; the last box taken marks it matched. A reservation of no or
/// negative boxes, or of more than the offer ever had, is not a reservation: it is ignored.
/// </summary>
public sealed class CapacityReservedConsumer(Outbox outbox) : IConsumer<CapacityReserved>
{
    private const string ReserveSql = $"""
        UPDATE capacity_offers
        SET containers_left = GREATEST(0, containers_left - @Containers),
            status = CASE WHEN containers_left - @Containers <= 0 AND status = '{OfferStatus.Open}' THEN '{OfferStatus.Matched}' ELSE status END
        WHERE id = @CapacityOfferId AND @Containers > 0 AND @Containers <= container_count
        """;

    public Task Consume(ConsumeContext<CapacityReserved> context) =>
        outbox.HandleOnce(context, "listings.capacity-reserved", tx =>
            tx.Connection.ExecuteAsync(ReserveSql, new { context.Message.CapacityOfferId, context.Message.Containers }, tx.Transaction));
}
