using System.Text.Json;
using MassTransit;
using TradeHub.Listings.Contracts;
using TradeHub.Matching.Contracts;
using TradeHub.Routing.Contracts;
using TradeHub.Shipments.Contracts;
using TradeHub.Webhooks.Contracts;

namespace TradeHub.Gateway.Events;

/// <summary>
/// Turns bus events into live events for the organisations they concern, shaped like the API's resources.
/// Nothing durable happens here, so no inbox: a redelivered message is at worst shown twice, with the same id.
/// </summary>
public sealed class LiveEventConsumer(EventHub hub) :
    IConsumer<MatchProposed>, IConsumer<MatchConfirmed>, IConsumer<MatchExpired>, IConsumer<BidPlaced>, IConsumer<BidAwarded>,
    IConsumer<CargoRoutesComputed>, IConsumer<WebhookDisabled>, IConsumer<ShipmentBooked>, IConsumer<ShipmentEventRecorded>,
    IConsumer<ShipmentEtaChanged>, IConsumer<ShipmentDelayed>, IConsumer<ShipmentException>, IConsumer<ShipmentDelivered>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Task Consume(ConsumeContext<MatchProposed> context)
    {
        var m = context.Message;
        Publish(context, m.PartyOrgs, "match.proposed", new
        {
            id = m.MatchId, m.Kind, status = "proposed", m.Score, m.Explanation, offers = m.OfferIds,
            legs = Legs(m.Legs), m.ProposedAt,
        });
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<MatchConfirmed> context)
    {
        var m = context.Message;
        Publish(context, m.PartyOrgs, "match.confirmed", new
        {
            id = m.MatchId, m.Kind, status = "confirmed", offers = m.OfferIds, legs = Legs(m.Legs),
            m.Origin, m.Destination, m.Corridor, m.Mode, m.HsCode, m.Containers, m.WeightKg, m.ConfirmedAt,
        });
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<MatchExpired> context)
    {
        var m = context.Message;
        Publish(context, m.PartyOrgs, "match.expired", new
        {
            id = m.MatchId, m.Kind, status = "expired", offers = m.OfferIds, m.Reason, m.ExpiredAt,
        });
        return Task.CompletedTask;
    }

    /// <summary>Bids are sealed: only the bidding carrier and the cargo's owner hear of one.</summary>
    public Task Consume(ConsumeContext<BidPlaced> context)
    {
        var b = context.Message;
        Publish(context, [b.CarrierOrg, b.CargoOwnerOrg], "bid.placed", new
        {
            id = b.BidId, b.CargoOfferId, carrier = b.CarrierOrg,
            price = new { amount = b.PriceAmount, currency = b.PriceCurrency },
            b.TransitDays, b.ValidUntil, b.RouteId, b.PlacedAt,
        });
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<BidAwarded> context)
    {
        var b = context.Message;
        Publish(context, [b.CarrierOrg, b.CargoOwnerOrg], "bid.awarded", new
        {
            id = b.BidId, b.CargoOfferId, carrier = b.CarrierOrg,
            price = new { amount = b.PriceAmount, currency = b.PriceCurrency },
            b.Origin, b.Destination, containers = new { count = b.ContainerCount, type = b.ContainerType },
            b.WeightKg, b.HsCode, b.RouteId, b.AwardedAt,
        });
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<CargoRoutesComputed> context)
    {
        var r = context.Message;
        Publish(context, [r.OwnerOrg], "routes.changed", new
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
        return Task.CompletedTask;
    }

    /// <summary>A webhook of the organisation stopped delivering (410, or failing for days).</summary>
    public Task Consume(ConsumeContext<WebhookDisabled> context)
    {
        var w = context.Message;
        Publish(context, [w.Org], "webhook.disabled", new { webhookId = w.WebhookId, w.Url, w.Reason, w.LastStatusCode, w.DisabledAt });
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<ShipmentBooked> context)
    {
        var s = context.Message;
        Publish(context, s.PartyOrgs, "shipment.booked", new
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
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<ShipmentEventRecorded> context)
    {
        var e = context.Message;
        Publish(context, e.PartyOrgs, "shipment.event", new
        {
            shipmentId = e.ShipmentId, e.EventId, e.Type, e.Classifier, e.Location, e.EventDateTime, carrier = e.CarrierOrg,
            e.Reason, e.RetractedEventId, e.RecordedAt,
        });
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<ShipmentEtaChanged> context)
    {
        var e = context.Message;
        Publish(context, e.PartyOrgs, "shipment.eta_changed", new
        {
            shipmentId = e.ShipmentId, e.PreviousEstimatedArrival, e.EstimatedArrival, e.DeliverBy, e.Cause, e.ChangedAt,
        });
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<ShipmentDelayed> context)
    {
        var e = context.Message;
        Publish(context, e.PartyOrgs, "shipment.delayed", new
        {
            shipmentId = e.ShipmentId, delayed = true, e.EstimatedArrival, e.DeliverBy, e.At,
        });
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<ShipmentException> context)
    {
        var e = context.Message;
        Publish(context, e.PartyOrgs, "shipment.exception", new { shipmentId = e.ShipmentId, e.Reason, e.NodeIds, e.At });
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<ShipmentDelivered> context)
    {
        var e = context.Message;
        Publish(context, e.PartyOrgs, "shipment.delivered", new
        {
            shipmentId = e.ShipmentId, e.CargoOfferId, status = "delivered", e.Origin, e.Destination, e.DeliverBy,
            e.DeliveredAt, e.OnTime,
        });
        return Task.CompletedTask;
    }

    private static IEnumerable<object> Legs(IReadOnlyList<MatchedLeg> legs) =>
        legs.Select(l => new { l.CapacityOfferId, l.From, l.To, carrier = l.CarrierOrg, l.Mode, l.Containers });

    private void Publish<T>(ConsumeContext context, IEnumerable<string> orgs, string type, T resource) =>
        hub.Publish(orgs, type, (context.MessageId ?? NewId.NextGuid()).ToString(),
            JsonSerializer.Serialize(resource, Json));
}
