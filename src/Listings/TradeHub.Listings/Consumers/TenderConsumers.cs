using Dapper;
using MassTransit;
using TradeHub.Hosting.Messaging;
using TradeHub.Listings.Common;
using TradeHub.Listings.Contracts;
using TradeHub.Tenders.Contracts;
using TradeHub.Hosting.Corridors;

namespace TradeHub.Listings.Consumers;

/// <summary>
/// A tender's award becomes capacity: one capacity offer per awarded lane, owned by the winning carrier at its awarded
/// price, reserved for the shipper that ran the tender, each posted with its event so Matching proposes it to that
/// shipper's cargo on the lane.
/// </summary>
public sealed class TenderAwardedConsumer(Outbox outbox, CorridorTransit transit) : IConsumer<TenderAwarded>
{
    // The tender names no transit time (it prices lanes, not schedules): the corridor network's fastest path stands in.
    // A lane the network does not connect gets one day, so Matching's deliver-by check does not rule the awarded
    // capacity out on a time nobody stated.
    internal const int UnstatedTransitDays = 1;

    private static readonly string InsertSql = Outbox.WithEvent("""
        INSERT INTO capacity_offers (id, carrier_org, from_node, to_node, mode, departure_from, departure_to, container_count,
            container_type, containers_left, price_per_container_amount, price_currency, transit_days, created_at, reserved_for, tender_id)
        VALUES (@Id, @CarrierOrg, @FromNode, @ToNode, @Mode, @DepartureFrom, @DepartureTo, @ContainerCount,
            @ContainerType, @ContainerCount, @Price, @Currency, @TransitDays, @CreatedAt, @ReservedFor, @TenderId)
        """);

    public Task Consume(ConsumeContext<TenderAwarded> context) =>
        outbox.HandleOnce(context, "listings.tender-awarded", async tx =>
        {
            var award = context.Message;
            if (award.Status != "awarded") return;
            var now = DateTimeOffset.UtcNow;
            foreach (var lane in award.Lanes)
            {
                var id = Guid.CreateVersion7();
                var mode = lane.Mode ?? "rail";
                var transitDays = transit.Hours(lane.Origin, lane.Destination, lane.Mode) is { } hours ? Math.Max(1, (int)Math.Ceiling(hours / 24)) : UnstatedTransitDays;
                await tx.Connection.ExecuteAsync(InsertSql, tx.Event(new CapacityOfferPosted
                {
                    CapacityOfferId = id, CarrierOrg = lane.CarrierOrg, From = lane.Origin, To = lane.Destination, Mode = mode,
                    DepartureFrom = lane.From, DepartureTo = lane.To, ContainerCount = lane.ContainerCount,
                    ContainerType = lane.ContainerType, PricePerContainerAmount = lane.PricePerContainer,
                    PriceCurrency = award.Currency, TransitDays = transitDays, PostedAt = now,
                    ReservedFor = award.OwnerOrg, TenderId = award.TenderId,
                }, new
                {
                    Id = id, lane.CarrierOrg, FromNode = lane.Origin, ToNode = lane.Destination, Mode = mode,
                    DepartureFrom = lane.From, DepartureTo = lane.To, lane.ContainerCount, lane.ContainerType,
                    Price = lane.PricePerContainer, award.Currency, TransitDays = transitDays, CreatedAt = now.UtcDateTime,
                    ReservedFor = award.OwnerOrg, award.TenderId,
                }), tx.Transaction);
            }
        });
}
