using MassTransit;
using Npgsql;
using TradeHub.Hosting.Messaging;
using TradeHub.Listings.Contracts;
using TradeHub.Matching.Contracts;
using TradeHub.Routing.Contracts;

namespace TradeHub.Webhooks.Events;

/// <summary>The event types a subscription can ask for ("*" is all of them).</summary>
public static class EventTypes
{
    public const string MatchProposed = "match.proposed";
    public const string MatchConfirmed = "match.confirmed";
    public const string BidPlaced = "bid.placed";
    public const string BidAwarded = "bid.awarded";
    public const string RoutesChanged = "routes.changed";
    public const string WebhookDisabled = "webhook.disabled";
    public const string WebhookPing = "webhook.ping";
    public const string All = "*";

    public static readonly IReadOnlySet<string> Known = new HashSet<string>(StringComparer.Ordinal)
    {
        MatchProposed, MatchConfirmed, BidPlaced, BidAwarded, RoutesChanged, WebhookDisabled, WebhookPing,
    };
}

/// <summary>
/// Every event an organisation may see becomes a delivery for each of its subscriptions that asked for it, in the
/// transaction that records the message in the inbox. The organisations and the shapes are those of the gateway's
/// /api/events (TradeHub.Gateway/Events/LiveEventConsumer.cs): a bid is told only to its carrier and the cargo's
/// owner, never to a rival carrier.
/// </summary>
public sealed class MatchProposedConsumer(Outbox outbox) : IConsumer<MatchProposed>
{
    public Task Consume(ConsumeContext<MatchProposed> context)
    {
        var m = context.Message;
        return Fan.Out(outbox, context, "webhooks.match-proposed", EventTypes.MatchProposed, m.PartyOrgs, m.ProposedAt, new
        {
            id = m.MatchId, m.Kind, status = "proposed", m.Score, m.Explanation, offers = m.OfferIds,
            legs = Fan.Legs(m.Legs), m.ProposedAt,
        });
    }
}

public sealed class MatchConfirmedConsumer(Outbox outbox) : IConsumer<MatchConfirmed>
{
    public Task Consume(ConsumeContext<MatchConfirmed> context)
    {
        var m = context.Message;
        return Fan.Out(outbox, context, "webhooks.match-confirmed", EventTypes.MatchConfirmed, m.PartyOrgs, m.ConfirmedAt, new
        {
            id = m.MatchId, m.Kind, status = "confirmed", offers = m.OfferIds, legs = Fan.Legs(m.Legs),
            m.Origin, m.Destination, m.Corridor, m.Mode, m.HsCode, m.Containers, m.WeightKg, m.ConfirmedAt,
        });
    }
}

/// <summary>Bids are sealed: only the bidding carrier and the cargo's owner hear of one.</summary>
public sealed class BidPlacedConsumer(Outbox outbox) : IConsumer<BidPlaced>
{
    public Task Consume(ConsumeContext<BidPlaced> context)
    {
        var b = context.Message;
        return Fan.Out(outbox, context, "webhooks.bid-placed", EventTypes.BidPlaced, [b.CarrierOrg, b.CargoOwnerOrg], b.PlacedAt, new
        {
            id = b.BidId, b.CargoOfferId, carrier = b.CarrierOrg,
            price = new { amount = b.PriceAmount, currency = b.PriceCurrency },
            b.TransitDays, b.ValidUntil, b.RouteId, b.PlacedAt,
        });
    }
}

public sealed class BidAwardedConsumer(Outbox outbox) : IConsumer<BidAwarded>
{
    public Task Consume(ConsumeContext<BidAwarded> context)
    {
        var b = context.Message;
        return Fan.Out(outbox, context, "webhooks.bid-awarded", EventTypes.BidAwarded, [b.CarrierOrg, b.CargoOwnerOrg], b.AwardedAt, new
        {
            id = b.BidId, b.CargoOfferId, carrier = b.CarrierOrg,
            price = new { amount = b.PriceAmount, currency = b.PriceCurrency },
            b.Origin, b.Destination, containers = new { count = b.ContainerCount, type = b.ContainerType },
            b.WeightKg, b.HsCode, b.RouteId, b.AwardedAt,
        });
    }
}

public sealed class CargoRoutesComputedConsumer(Outbox outbox) : IConsumer<CargoRoutesComputed>
{
    public Task Consume(ConsumeContext<CargoRoutesComputed> context)
    {
        var r = context.Message;
        return Fan.Out(outbox, context, "webhooks.cargo-routes-computed", EventTypes.RoutesChanged, [r.OwnerOrg], r.ComputedAt, new
        {
            r.CargoOfferId, status = "ready", r.Version, r.Reason, r.ComputedAt,
            routes = r.Routes.Select(o => new
            {
                id = o.RouteId,
                legs = o.Legs.Select(l => new
                {
                    l.From, l.To, l.Mode, l.DistanceKm, l.Hours, l.CostUsd, l.Co2Kg, l.BorderCrossing, l.GaugeChange,
                }),
                o.TotalHours, o.TotalDistanceKm, o.CostUsd, o.Co2Kg, o.BorderCrossings, o.GaugeChanges,
            }),
        });
    }
}

internal static class Fan
{
    /// <summary>The webhook-id is the bus message id, so a redelivered message is the same webhook.</summary>
    public static async Task Out<T>(Outbox outbox, ConsumeContext<T> context, string consumer, string type,
        IEnumerable<string> orgs, DateTimeOffset occurredAt, object data) where T : class
    {
        var queued = 0;
        await outbox.HandleOnce(context, consumer, async tx =>
            queued = await WebhookEvent.FanOut(tx.Connection, tx.Transaction, context.MessageId!.Value, type, orgs, occurredAt, data));
        if (queued > 0) WebhookEvent.Queued();
    }

    public static IEnumerable<object> Legs(IReadOnlyList<MatchedLeg> legs) =>
        legs.Select(l => new { l.CapacityOfferId, l.From, l.To, carrier = l.CarrierOrg, l.Mode, l.Containers });
}
