using MassTransit;
using Npgsql;
using TradeHub.Hosting.Messaging;
using TradeHub.Listings.Contracts;
using TradeHub.Matching.Contracts;
using TradeHub.Routing.Contracts;
using TradeHub.Shipments.Contracts;

namespace TradeHub.Webhooks.Events;

/// <summary>The event types a subscription can ask for ("*" is all of them).</summary>
public static class EventTypes
{
    public const string MatchProposed = "match.proposed";
    public const string MatchConfirmed = "match.confirmed";
    public const string MatchExpired = "match.expired";
    public const string BidPlaced = "bid.placed";
    public const string BidAwarded = "bid.awarded";
    public const string RoutesChanged = "routes.changed";
    public const string ShipmentBooked = "shipment.booked";
    public const string ShipmentEvent = "shipment.event";
    public const string ShipmentEtaChanged = "shipment.eta_changed";
    public const string ShipmentDelayed = "shipment.delayed";
    public const string ShipmentException = "shipment.exception";
    public const string ShipmentDelivered = "shipment.delivered";
    public const string WebhookDisabled = "webhook.disabled";
    public const string WebhookPing = "webhook.ping";
    public const string All = "*";

    public static readonly IReadOnlySet<string> Known = new HashSet<string>(StringComparer.Ordinal)
    {
        MatchProposed, MatchConfirmed, MatchExpired, BidPlaced, BidAwarded, RoutesChanged, ShipmentBooked, ShipmentEvent,
        ShipmentEtaChanged, ShipmentDelayed, ShipmentException, ShipmentDelivered, WebhookDisabled, WebhookPing,
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

/// <summary>A proposal left undecided, or one whose offer lapsed: its parties hear that its places are free again.</summary>
public sealed class MatchExpiredConsumer(Outbox outbox) : IConsumer<MatchExpired>
{
    public Task Consume(ConsumeContext<MatchExpired> context)
    {
        var m = context.Message;
        return Fan.Out(outbox, context, "webhooks.match-expired", EventTypes.MatchExpired, m.PartyOrgs, m.ExpiredAt, new
        {
            id = m.MatchId, m.Kind, status = "expired", offers = m.OfferIds, m.Reason, m.ExpiredAt,
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

/// <summary>
/// A shipment's events go to its parties, the shipper and the carriers of its legs (the event's PartyOrgs), as on
/// /api/events.
/// </summary>
public sealed class ShipmentBookedConsumer(Outbox outbox) : IConsumer<ShipmentBooked>
{
    public Task Consume(ConsumeContext<ShipmentBooked> context)
    {
        var s = context.Message;
        return Fan.Out(outbox, context, "webhooks.shipment-booked", EventTypes.ShipmentBooked, s.PartyOrgs, s.BookedAt, new
        {
            id = s.ShipmentId, s.CargoOfferId, s.MatchId, s.BidId, shipper = s.ShipperOrg, carriers = s.CarrierOrgs,
            status = "booked", s.Origin, s.Destination, s.DeliverBy, s.PlannedArrival, estimatedArrival = s.PlannedArrival,
            containers = new { count = s.Containers, type = s.ContainerType },
            legs = s.Legs.Select(l => new
            {
                l.From, l.To, l.Mode, carrier = l.CarrierOrg, l.PlannedDeparture, l.PlannedArrival, l.EstimatedDeparture,
                l.EstimatedArrival, l.ActualDeparture, l.ActualArrival,
            }),
            s.BookedAt,
        });
    }
}

public sealed class ShipmentEventRecordedConsumer(Outbox outbox) : IConsumer<ShipmentEventRecorded>
{
    public Task Consume(ConsumeContext<ShipmentEventRecorded> context)
    {
        var e = context.Message;
        return Fan.Out(outbox, context, "webhooks.shipment-event-recorded", EventTypes.ShipmentEvent, e.PartyOrgs, e.RecordedAt, new
        {
            shipmentId = e.ShipmentId, e.EventId, e.Type, e.Classifier, e.Location, e.EventDateTime, carrier = e.CarrierOrg,
            e.Reason, e.RetractedEventId, e.RecordedAt,
        });
    }
}

public sealed class ShipmentEtaChangedConsumer(Outbox outbox) : IConsumer<ShipmentEtaChanged>
{
    public Task Consume(ConsumeContext<ShipmentEtaChanged> context)
    {
        var e = context.Message;
        return Fan.Out(outbox, context, "webhooks.shipment-eta-changed", EventTypes.ShipmentEtaChanged, e.PartyOrgs, e.ChangedAt, new
        {
            shipmentId = e.ShipmentId, e.PreviousEstimatedArrival, e.EstimatedArrival, e.DeliverBy, e.Cause, e.ChangedAt,
        });
    }
}

public sealed class ShipmentDelayedConsumer(Outbox outbox) : IConsumer<ShipmentDelayed>
{
    public Task Consume(ConsumeContext<ShipmentDelayed> context)
    {
        var e = context.Message;
        return Fan.Out(outbox, context, "webhooks.shipment-delayed", EventTypes.ShipmentDelayed, e.PartyOrgs, e.At, new
        {
            shipmentId = e.ShipmentId, delayed = true, e.EstimatedArrival, e.DeliverBy, e.At,
        });
    }
}

public sealed class ShipmentExceptionConsumer(Outbox outbox) : IConsumer<ShipmentException>
{
    public Task Consume(ConsumeContext<ShipmentException> context)
    {
        var e = context.Message;
        return Fan.Out(outbox, context, "webhooks.shipment-exception", EventTypes.ShipmentException, e.PartyOrgs, e.At,
            new { shipmentId = e.ShipmentId, e.Reason, e.NodeIds, e.At });
    }
}

public sealed class ShipmentDeliveredConsumer(Outbox outbox) : IConsumer<ShipmentDelivered>
{
    public Task Consume(ConsumeContext<ShipmentDelivered> context)
    {
        var e = context.Message;
        return Fan.Out(outbox, context, "webhooks.shipment-delivered", EventTypes.ShipmentDelivered, e.PartyOrgs, e.DeliveredAt, new
        {
            shipmentId = e.ShipmentId, e.CargoOfferId, status = "delivered", e.Origin, e.Destination, e.DeliverBy,
            e.DeliveredAt, e.OnTime,
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
