using MassTransit;
using Npgsql;
using TradeHub.Hosting.Messaging;
using TradeHub.Listings.Contracts;
using System.Security.Cryptography;
using TradeHub.Matching.Contracts;
using TradeHub.Pools.Contracts;
using TradeHub.Routing.Contracts;
using TradeHub.Shipments.Contracts;
using TradeHub.Webhooks.Delivery;

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
    public const string PoolJoined = "pool.joined";
    public const string PoolFormed = "pool.formed";
    public const string PoolCancelled = "pool.cancelled";
    public const string PoolSuggested = "pool.suggested";
    public const string WebhookDisabled = "webhook.disabled";
    public const string WebhookPing = "webhook.ping";
    public const string All = "*";

    public static readonly IReadOnlySet<string> Known = new HashSet<string>(StringComparer.Ordinal)
    {
        MatchProposed, MatchConfirmed, MatchExpired, BidPlaced, BidAwarded, RoutesChanged, ShipmentBooked, ShipmentEvent,
        ShipmentEtaChanged, ShipmentDelayed, ShipmentException, ShipmentDelivered, PoolJoined, PoolFormed, PoolCancelled,
        PoolSuggested, WebhookDisabled, WebhookPing,
    };
}

/// <summary>
/// Every event an organisation may see becomes a delivery for each of its subscriptions that asked for it, in the
/// transaction that records the message in the inbox. The organisations and the shapes are those of the gateway's
/// /api/events (TradeHub.Gateway/Events/LiveEventConsumer.cs): a bid is told only to its carrier and the cargo's
/// owner, never to a rival carrier.
/// </summary>
/// <remarks>
/// A message that is one event is consumed in batches (<see cref="FanOutConsumer{T}"/>): every cargo offer brings a
/// few of them, and under load the messages waiting on a queue are recorded and fanned out by one statement instead
/// of one each.
/// </remarks>
public sealed class MatchProposedConsumer(Fan fan) : FanOutConsumer<MatchProposed>(fan, "webhooks.match-proposed", EventTypes.MatchProposed)
{
    protected override WebhookEventOf Event(MatchProposed m) => new(m.PartyOrgs, m.ProposedAt, m.PublicData());
}

public sealed class MatchConfirmedConsumer(Fan fan) : FanOutConsumer<MatchConfirmed>(fan, "webhooks.match-confirmed", EventTypes.MatchConfirmed)
{
    protected override WebhookEventOf Event(MatchConfirmed m) => new(m.PartyOrgs, m.ConfirmedAt, m.PublicData());
}

/// <summary>A proposal left undecided, or one whose offer lapsed: its parties hear that its places are free again.</summary>
public sealed class MatchExpiredConsumer(Fan fan) : FanOutConsumer<MatchExpired>(fan, "webhooks.match-expired", EventTypes.MatchExpired)
{
    protected override WebhookEventOf Event(MatchExpired m) => new(m.PartyOrgs, m.ExpiredAt, m.PublicData());
}

/// <summary>Bids are sealed: only the bidding carrier and the cargo's owner hear of one.</summary>
public sealed class BidPlacedConsumer(Fan fan) : FanOutConsumer<BidPlaced>(fan, "webhooks.bid-placed", EventTypes.BidPlaced)
{
    protected override WebhookEventOf Event(BidPlaced b) => new([b.CarrierOrg, b.CargoOwnerOrg], b.PlacedAt, b.PublicData());
}

public sealed class BidAwardedConsumer(Fan fan) : FanOutConsumer<BidAwarded>(fan, "webhooks.bid-awarded", EventTypes.BidAwarded)
{
    protected override WebhookEventOf Event(BidAwarded b) => new([b.CarrierOrg, b.CargoOwnerOrg], b.AwardedAt, b.PublicData());
}

public sealed class CargoRoutesComputedConsumer(Fan fan) : FanOutConsumer<CargoRoutesComputed>(fan, "webhooks.cargo-routes-computed", EventTypes.RoutesChanged)
{
    protected override WebhookEventOf Event(CargoRoutesComputed r) => new([r.OwnerOrg], r.ComputedAt,
            r.PublicData());
}

/// <summary>
/// A shipment's events go to its parties, the shipper and the carriers of its legs (the event's PartyOrgs), as on
/// /api/events.
/// </summary>
public sealed class ShipmentBookedConsumer(Fan fan) : FanOutConsumer<ShipmentBooked>(fan, "webhooks.shipment-booked", EventTypes.ShipmentBooked)
{
    protected override WebhookEventOf Event(ShipmentBooked s) => new(s.PartyOrgs, s.BookedAt, s.PublicData());
}

public sealed class ShipmentEventRecordedConsumer(Fan fan) : FanOutConsumer<ShipmentEventRecorded>(fan, "webhooks.shipment-event-recorded", EventTypes.ShipmentEvent)
{
    protected override WebhookEventOf Event(ShipmentEventRecorded e) => new(e.PartyOrgs, e.RecordedAt, e.PublicData());
}

/// <summary>
/// A post's events in one transaction and one statement, each event its own webhook-id and recorded in the inbox by
/// its id only when some subscription wants it: a post nobody subscribed to writes nothing.
/// </summary>
public sealed class ShipmentEventsRecordedConsumer(Fan fan) : IConsumer<ShipmentEventsRecorded>
{
    public Task Consume(ConsumeContext<ShipmentEventsRecorded> context)
    {
        var m = context.Message;
        return fan.OutOnce("webhooks.shipment-events-recorded", context.CancellationToken, (EventTypes.ShipmentEvent,
            m.PublicEvents().Select(e => (e.Id, (IEnumerable<string>)m.PartyOrgs, m.RecordedAt, e.Data)).ToList()));
    }
}

/// <summary>The estimates one transaction moved, in one transaction: each change its own webhook-id and organisations.</summary>
public sealed class ShipmentEstimatesChangedConsumer(Fan fan) : IConsumer<ShipmentEstimatesChanged>
{
    public Task Consume(ConsumeContext<ShipmentEstimatesChanged> context)
    {
        var m = context.Message;
        return fan.OutOnce("webhooks.shipment-estimates-changed", context.CancellationToken,
            (EventTypes.ShipmentEtaChanged, m.EtaChanged.Select(e => (e.Id, (IEnumerable<string>)e.PartyOrgs, e.ChangedAt, e.PublicData())).ToList()),
            (EventTypes.ShipmentDelayed, m.Delayed.Select(e => (e.Id, (IEnumerable<string>)e.PartyOrgs, e.At, e.PublicData())).ToList()));
    }
}

public sealed class ShipmentEtaChangedConsumer(Fan fan) : FanOutConsumer<ShipmentEtaChanged>(fan, "webhooks.shipment-eta-changed", EventTypes.ShipmentEtaChanged)
{
    protected override WebhookEventOf Event(ShipmentEtaChanged e) => new(e.PartyOrgs, e.ChangedAt, e.PublicData());
}

public sealed class ShipmentDelayedConsumer(Fan fan) : FanOutConsumer<ShipmentDelayed>(fan, "webhooks.shipment-delayed", EventTypes.ShipmentDelayed)
{
    protected override WebhookEventOf Event(ShipmentDelayed e) => new(e.PartyOrgs, e.At, e.PublicData());
}

public sealed class ShipmentExceptionConsumer(Fan fan) : FanOutConsumer<ShipmentException>(fan, "webhooks.shipment-exception", EventTypes.ShipmentException)
{
    protected override WebhookEventOf Event(ShipmentException e) => new(e.PartyOrgs, e.At, e.PublicData());
}

/// <summary>The exceptions of one answer from Routing, in one transaction: each its own webhook-id and organisations.</summary>
public sealed class ShipmentExceptionsRaisedConsumer(Fan fan) : IConsumer<ShipmentExceptionsRaised>
{
    public Task Consume(ConsumeContext<ShipmentExceptionsRaised> context)
    {
        var m = context.Message;
        return fan.OutOnce("webhooks.shipment-exceptions-raised", context.CancellationToken, (EventTypes.ShipmentException,
            m.Exceptions.Select(e => (e.Id, (IEnumerable<string>)e.PartyOrgs, e.At, e.PublicData())).ToList()));
    }
}

public sealed class ShipmentDeliveredConsumer(Fan fan) : FanOutConsumer<ShipmentDelivered>(fan, "webhooks.shipment-delivered", EventTypes.ShipmentDelivered)
{
    protected override WebhookEventOf Event(ShipmentDelivered e) => new(e.PartyOrgs, e.DeliveredAt, new
    {
        shipmentId = e.ShipmentId, e.CargoOfferId, status = "delivered", e.Origin, e.Destination, e.DeliverBy,
        e.DeliveredAt, e.OnTime,
    });
}

/// <summary>A pool gained a member: told to its operator and the joining SME, never to the other members.</summary>
public sealed class PoolMemberJoinedConsumer(Fan fan) : FanOutConsumer<PoolMemberJoined>(fan, "webhooks.pool-member-joined", EventTypes.PoolJoined)
{
    protected override WebhookEventOf Event(PoolMemberJoined j) => new([j.OperatorOrg, j.MemberOrg], j.JoinedAt, j.PublicData());
}

/// <summary>The train runs: the operator is told of every member, each member's organisation only of its own part.</summary>
public sealed class PoolFormedConsumer(Fan fan) : IConsumer<PoolFormed>
{
    public Task Consume(ConsumeContext<PoolFormed> context)
    {
        var f = context.Message;
        var messageId = context.MessageId ?? throw new InvalidOperationException("Message without MessageId");
        // Each view is its own webhook, with an id derived from the message id and the view's organisations, so a
        // redelivered message is the same webhooks.
        var views = f.PublicViews()
            .Select(v => (ViewId(messageId, v.Org), (IEnumerable<string>)[v.Org], f.FormedAt, v.Data)).ToList();
        return fan.OutOnce("webhooks.pool-formed", context.CancellationToken, (EventTypes.PoolFormed, views));
    }

    private static Guid ViewId(Guid messageId, string org) =>
        new(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{messageId:N}|{org}")).AsSpan(0, 16));
}

/// <summary>The pool did not reach its minimum: its operator and members are told (no member names the others).</summary>
public sealed class PoolCancelledConsumer(Fan fan) : FanOutConsumer<PoolCancelled>(fan, "webhooks.pool-cancelled", EventTypes.PoolCancelled)
{
    protected override WebhookEventOf Event(PoolCancelled c) => new(c.MemberOrgs.Append(c.OperatorOrg), c.CancelledAt, c.PublicData());
}

/// <summary>A new cargo offer fits an open pool: its owner is invited, with the price now and at full fill.</summary>
public sealed class PoolSuggestedConsumer(Fan fan) : FanOutConsumer<PoolSuggested>(fan, "webhooks.pool-suggested", EventTypes.PoolSuggested)
{
    protected override WebhookEventOf Event(PoolSuggested s) => new([s.OwnerOrg], s.SuggestedAt, s.PublicData());
}

/// <summary>What one message tells as a webhook event: to whom, when, and the event's public data.</summary>
public sealed record WebhookEventOf(IEnumerable<string> Orgs, DateTimeOffset OccurredAt, object Data);

/// <summary>
/// A consumer of messages that are one webhook event each, whose webhook-id is the bus message id (so a redelivered
/// message is the same webhook). It takes them in batches (<c>Bus.AddBatchConsumer</c>): one transaction and one
/// statement record a batch's messages and queue their deliveries.
/// </summary>
public abstract class FanOutConsumer<T>(Fan fan, string consumer, string type) : IConsumer<Batch<T>> where T : class
{
    protected abstract WebhookEventOf Event(T message);

    public Task Consume(ConsumeContext<Batch<T>> context) =>
        fan.OutOnce(consumer, context.CancellationToken, (type, context.Message.Select(m =>
        {
            var e = Event(m.Message);
            return (m.MessageId ?? throw new InvalidOperationException("Message without MessageId"), e.Orgs, e.OccurredAt, e.Data);
        }).ToList()));
}

/// <summary>Queues events' deliveries in the transaction that records their messages, then wakes the dispatcher.</summary>
public sealed class Fan(Outbox outbox, DeliveriesQueued dispatcher)
{
    /// <summary>
    /// Events of one or more types in one transaction, one statement per type; each event's id (a bus message id, or
    /// the id an event carries inside its message) is its webhook-id and, when some subscription wants it, its inbox
    /// record, so a redelivered message queues nothing again and an event nobody wants writes nothing.
    /// </summary>
    public async Task OutOnce(string consumer, CancellationToken ct,
        params (string Type, IReadOnlyList<(Guid Id, IEnumerable<string> Orgs, DateTimeOffset OccurredAt, object Data)> Events)[] groups)
    {
        await using var tx = await outbox.Begin(ct);
        var queued = 0;
        foreach (var (type, events) in groups.Where(g => g.Events.Count > 0))
            queued += await WebhookEvent.FanOutOnce(tx.Connection, tx.Transaction, consumer, type, events);
        await tx.Commit(ct);
        if (queued > 0) dispatcher.Wake();
    }
}
