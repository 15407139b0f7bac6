using System.Text.Json;
using MassTransit;
using TradeHub.Listings.Contracts;
using TradeHub.Matching.Contracts;
using TradeHub.Pools.Contracts;
using TradeHub.Routing.Contracts;
using TradeHub.Shipments.Contracts;
using TradeHub.Tenders.Contracts;
using TradeHub.Webhooks.Contracts;

namespace TradeHub.Gateway.Events;

/// <summary>
/// Turns bus events into live events for the organisations they concern, shaped like the API's resources.
/// Nothing durable happens here, so no inbox: a redelivered message is at worst shown twice, with the same id.
/// </summary>
public sealed class LiveEventConsumer(EventHub hub) :
    IConsumer<MatchProposed>, IConsumer<MatchConfirmed>, IConsumer<MatchExpired>, IConsumer<BidPlaced>, IConsumer<BidAwarded>,
    IConsumer<CargoRoutesComputed>, IConsumer<WebhookDisabled>, IConsumer<ShipmentBooked>, IConsumer<ShipmentEventRecorded>, IConsumer<ShipmentEventsRecorded>,
    IConsumer<ShipmentEtaChanged>, IConsumer<ShipmentDelayed>, IConsumer<ShipmentEstimatesChanged>, IConsumer<ShipmentException>, IConsumer<ShipmentExceptionsRaised>, IConsumer<ShipmentDelivered>,
    IConsumer<TenderClosed>, IConsumer<TenderAwarded>,
    IConsumer<PoolMemberJoined>, IConsumer<PoolFormed>, IConsumer<PoolCancelled>, IConsumer<PoolSuggested>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Task Consume(ConsumeContext<MatchProposed> context)
    {
        var m = context.Message;
        Publish(context, m.PartyOrgs, "match.proposed", m.PublicData());
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<MatchConfirmed> context)
    {
        var m = context.Message;
        Publish(context, m.PartyOrgs, "match.confirmed", m.PublicData());
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<MatchExpired> context)
    {
        var m = context.Message;
        Publish(context, m.PartyOrgs, "match.expired", m.PublicData());
        return Task.CompletedTask;
    }

    /// <summary>Bids are sealed: only the bidding carrier and the cargo's owner hear of one.</summary>
    public Task Consume(ConsumeContext<BidPlaced> context)
    {
        var b = context.Message;
        Publish(context, [b.CarrierOrg, b.CargoOwnerOrg], "bid.placed", b.PublicData());
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<BidAwarded> context)
    {
        var b = context.Message;
        Publish(context, [b.CarrierOrg, b.CargoOwnerOrg], "bid.awarded", b.PublicData());
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<CargoRoutesComputed> context)
    {
        var r = context.Message;
        Publish(context, [r.OwnerOrg], "routes.changed", r.PublicData());
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
        Publish(context, s.PartyOrgs, "shipment.booked", s.PublicData());
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<ShipmentEventRecorded> context)
    {
        var e = context.Message;
        Publish(context, e.PartyOrgs, "shipment.event", e.PublicData());
        return Task.CompletedTask;
    }

    /// <summary>A post's events, one live event each, under the event's own id (its webhooks' id too).</summary>
    public Task Consume(ConsumeContext<ShipmentEventsRecorded> context)
    {
        var m = context.Message;
        foreach (var (id, data) in m.PublicEvents())
            hub.Publish(m.PartyOrgs, "shipment.event", id.ToString(), JsonSerializer.Serialize(data, Json));
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<ShipmentEtaChanged> context)
    {
        var e = context.Message;
        Publish(context, e.PartyOrgs, "shipment.eta_changed", e.PublicData());
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<ShipmentDelayed> context)
    {
        var e = context.Message;
        Publish(context, e.PartyOrgs, "shipment.delayed", e.PublicData());
        return Task.CompletedTask;
    }

    /// <summary>The estimates one transaction moved: one live event per change, under the change's own id.</summary>
    public Task Consume(ConsumeContext<ShipmentEstimatesChanged> context)
    {
        foreach (var e in context.Message.EtaChanged)
            hub.Publish(e.PartyOrgs, "shipment.eta_changed", e.Id.ToString(), JsonSerializer.Serialize(e.PublicData(), Json));
        foreach (var e in context.Message.Delayed)
            hub.Publish(e.PartyOrgs, "shipment.delayed", e.Id.ToString(), JsonSerializer.Serialize(e.PublicData(), Json));
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<ShipmentException> context)
    {
        var e = context.Message;
        Publish(context, e.PartyOrgs, "shipment.exception", e.PublicData());
        return Task.CompletedTask;
    }

    /// <summary>The exceptions of one answer from Routing: one live event per shipment, under the exception's own id.</summary>
    public Task Consume(ConsumeContext<ShipmentExceptionsRaised> context)
    {
        foreach (var e in context.Message.Exceptions)
            hub.Publish(e.PartyOrgs, "shipment.exception", e.Id.ToString(), JsonSerializer.Serialize(e.PublicData(), Json));
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

    /// <summary>A pool gained a member: told to its operator and the joining SME, never to the other members.</summary>
    public Task Consume(ConsumeContext<PoolMemberJoined> context)
    {
        var j = context.Message;
        Publish(context, [j.OperatorOrg, j.MemberOrg], "pool.joined", j.PublicData());
        return Task.CompletedTask;
    }

    /// <summary>The train runs: the operator hears of every member, each member only of its own part.</summary>
    public Task Consume(ConsumeContext<PoolFormed> context)
    {
        foreach (var (org, data) in context.Message.PublicViews())
            Publish(context, [org], "pool.formed", data);
        return Task.CompletedTask;
    }

    /// <summary>The pool did not reach its minimum: its operator and members are told (no member names the others).</summary>
    public Task Consume(ConsumeContext<PoolCancelled> context)
    {
        var c = context.Message;
        Publish(context, c.MemberOrgs.Append(c.OperatorOrg).Distinct(), "pool.cancelled", c.PublicData());
        return Task.CompletedTask;
    }

    /// <summary>A new cargo offer fits an open pool: its owner is invited, with the price now and at full fill.</summary>
    public Task Consume(ConsumeContext<PoolSuggested> context)
    {
        var s = context.Message;
        Publish(context, [s.OwnerOrg], "pool.suggested", s.PublicData());
        return Task.CompletedTask;
    }

    /// <summary>The owner and every bidder hear that a tender closed; bids stay sealed, so nobody hears who else bid.</summary>
    public Task Consume(ConsumeContext<TenderClosed> context)
    {
        var t = context.Message;
        Publish(context, [t.OwnerOrg], "tender.closed", new { id = t.TenderId, status = "solving", bids = t.Bidders.Count, t.ClosedAt });
        foreach (var bidder in t.Bidders)
            Publish(context, [bidder], "tender.closed", new { id = t.TenderId, status = "solving", t.ClosedAt });
        return Task.CompletedTask;
    }

    /// <summary>The owner hears the whole award; each bidder only the lanes it won (none, for a losing bid).</summary>
    public Task Consume(ConsumeContext<TenderAwarded> context)
    {
        var t = context.Message;
        Publish(context, [t.OwnerOrg], "tender.awarded", new
        {
            id = t.TenderId, t.Status, t.Optimal, t.TotalCost, t.Currency,
            assignments = t.Lanes.Select(l => new { l.LaneRef, carrier = l.CarrierOrg, l.PackageRef, l.PricePerContainer }),
            t.Uncovered, t.AwardedAt,
        });
        foreach (var bidder in t.Bidders.Where(b => b != t.OwnerOrg))
            Publish(context, [bidder], "tender.awarded", new
            {
                id = t.TenderId, t.Status,
                assignments = t.Lanes.Where(l => l.CarrierOrg == bidder)
                    .Select(l => new { l.LaneRef, carrier = l.CarrierOrg, l.PackageRef, l.PricePerContainer }),
                t.AwardedAt,
            });
        return Task.CompletedTask;
    }

    private void Publish<T>(ConsumeContext context, IEnumerable<string> orgs, string type, T resource) =>
        hub.Publish(orgs, type, (context.MessageId ?? NewId.NextGuid()).ToString(),
            JsonSerializer.Serialize(resource, Json));
}
