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
public sealed class MatchProposedConsumer(Fan fan) : IConsumer<MatchProposed>
{
    public Task Consume(ConsumeContext<MatchProposed> context)
    {
        var m = context.Message;
        return fan.Out(context, "webhooks.match-proposed", EventTypes.MatchProposed, m.PartyOrgs, m.ProposedAt, m.PublicData());
    }
}

public sealed class MatchConfirmedConsumer(Fan fan) : IConsumer<MatchConfirmed>
{
    public Task Consume(ConsumeContext<MatchConfirmed> context)
    {
        var m = context.Message;
        return fan.Out(context, "webhooks.match-confirmed", EventTypes.MatchConfirmed, m.PartyOrgs, m.ConfirmedAt, m.PublicData());
    }
}

/// <summary>A proposal left undecided, or one whose offer lapsed: its parties hear that its places are free again.</summary>
public sealed class MatchExpiredConsumer(Fan fan) : IConsumer<MatchExpired>
{
    public Task Consume(ConsumeContext<MatchExpired> context)
    {
        var m = context.Message;
        return fan.Out(context, "webhooks.match-expired", EventTypes.MatchExpired, m.PartyOrgs, m.ExpiredAt, m.PublicData());
    }
}

/// <summary>Bids are sealed: only the bidding carrier and the cargo's owner hear of one.</summary>
public sealed class BidPlacedConsumer(Fan fan) : IConsumer<BidPlaced>
{
    public Task Consume(ConsumeContext<BidPlaced> context)
    {
        var b = context.Message;
        return fan.Out(context, "webhooks.bid-placed", EventTypes.BidPlaced, [b.CarrierOrg, b.CargoOwnerOrg], b.PlacedAt, b.PublicData());
    }
}

public sealed class BidAwardedConsumer(Fan fan) : IConsumer<BidAwarded>
{
    public Task Consume(ConsumeContext<BidAwarded> context)
    {
        var b = context.Message;
        return fan.Out(context, "webhooks.bid-awarded", EventTypes.BidAwarded, [b.CarrierOrg, b.CargoOwnerOrg], b.AwardedAt, b.PublicData());
    }
}

public sealed class CargoRoutesComputedConsumer(Fan fan) : IConsumer<CargoRoutesComputed>
{
    public Task Consume(ConsumeContext<CargoRoutesComputed> context)
    {
        var r = context.Message;
        return fan.Out(context, "webhooks.cargo-routes-computed", EventTypes.RoutesChanged, [r.OwnerOrg], r.ComputedAt,
            r.PublicData());
    }
}

/// <summary>
/// A shipment's events go to its parties, the shipper and the carriers of its legs (the event's PartyOrgs), as on
/// /api/events.
/// </summary>
public sealed class ShipmentBookedConsumer(Fan fan) : IConsumer<ShipmentBooked>
{
    public Task Consume(ConsumeContext<ShipmentBooked> context)
    {
        var s = context.Message;
        return fan.Out(context, "webhooks.shipment-booked", EventTypes.ShipmentBooked, s.PartyOrgs, s.BookedAt, s.PublicData());
    }
}

public sealed class ShipmentEventRecordedConsumer(Fan fan) : IConsumer<ShipmentEventRecorded>
{
    public Task Consume(ConsumeContext<ShipmentEventRecorded> context)
    {
        var e = context.Message;
        return fan.Out(context, "webhooks.shipment-event-recorded", EventTypes.ShipmentEvent, e.PartyOrgs, e.RecordedAt, e.PublicData());
    }
}

/// <summary>A post's events in one transaction: one inbox record, one fan-out statement, each event its own webhook-id.</summary>
public sealed class ShipmentEventsRecordedConsumer(Fan fan) : IConsumer<ShipmentEventsRecorded>
{
    public Task Consume(ConsumeContext<ShipmentEventsRecorded> context)
    {
        var m = context.Message;
        return fan.OutMany(context, "webhooks.shipment-events-recorded", async tx =>
            await WebhookEvent.FanOutMany(tx.Connection, tx.Transaction, EventTypes.ShipmentEvent,
                m.PublicEvents().Select(e => (e.Id, (IEnumerable<string>)m.PartyOrgs, m.RecordedAt, e.Data)).ToList()));
    }
}

/// <summary>The estimates one transaction moved, in one transaction: each change its own webhook-id and organisations.</summary>
public sealed class ShipmentEstimatesChangedConsumer(Fan fan) : IConsumer<ShipmentEstimatesChanged>
{
    public Task Consume(ConsumeContext<ShipmentEstimatesChanged> context)
    {
        var m = context.Message;
        return fan.OutMany(context, "webhooks.shipment-estimates-changed", async tx =>
            await WebhookEvent.FanOutMany(tx.Connection, tx.Transaction, EventTypes.ShipmentEtaChanged,
                m.EtaChanged.Select(e => (e.Id, (IEnumerable<string>)e.PartyOrgs, e.ChangedAt, e.PublicData())).ToList())
            + await WebhookEvent.FanOutMany(tx.Connection, tx.Transaction, EventTypes.ShipmentDelayed,
                m.Delayed.Select(e => (e.Id, (IEnumerable<string>)e.PartyOrgs, e.At, e.PublicData())).ToList()));
    }
}

public sealed class ShipmentEtaChangedConsumer(Fan fan) : IConsumer<ShipmentEtaChanged>
{
    public Task Consume(ConsumeContext<ShipmentEtaChanged> context)
    {
        var e = context.Message;
        return fan.Out(context, "webhooks.shipment-eta-changed", EventTypes.ShipmentEtaChanged, e.PartyOrgs, e.ChangedAt, e.PublicData());
    }
}

public sealed class ShipmentDelayedConsumer(Fan fan) : IConsumer<ShipmentDelayed>
{
    public Task Consume(ConsumeContext<ShipmentDelayed> context)
    {
        var e = context.Message;
        return fan.Out(context, "webhooks.shipment-delayed", EventTypes.ShipmentDelayed, e.PartyOrgs, e.At, e.PublicData());
    }
}

public sealed class ShipmentExceptionConsumer(Fan fan) : IConsumer<ShipmentException>
{
    public Task Consume(ConsumeContext<ShipmentException> context)
    {
        var e = context.Message;
        return fan.Out(context, "webhooks.shipment-exception", EventTypes.ShipmentException, e.PartyOrgs, e.At, e.PublicData());
    }
}

/// <summary>The exceptions of one answer from Routing, in one transaction: each its own webhook-id and organisations.</summary>
public sealed class ShipmentExceptionsRaisedConsumer(Fan fan) : IConsumer<ShipmentExceptionsRaised>
{
    public Task Consume(ConsumeContext<ShipmentExceptionsRaised> context)
    {
        var m = context.Message;
        return fan.OutMany(context, "webhooks.shipment-exceptions-raised", async tx =>
            await WebhookEvent.FanOutMany(tx.Connection, tx.Transaction, EventTypes.ShipmentException,
                m.Exceptions.Select(e => (e.Id, (IEnumerable<string>)e.PartyOrgs, e.At, e.PublicData())).ToList()));
    }
}

public sealed class ShipmentDeliveredConsumer(Fan fan) : IConsumer<ShipmentDelivered>
{
    public Task Consume(ConsumeContext<ShipmentDelivered> context)
    {
        var e = context.Message;
        return fan.Out(context, "webhooks.shipment-delivered", EventTypes.ShipmentDelivered, e.PartyOrgs, e.DeliveredAt, new
        {
            shipmentId = e.ShipmentId, e.CargoOfferId, status = "delivered", e.Origin, e.Destination, e.DeliverBy,
            e.DeliveredAt, e.OnTime,
        });
    }
}

/// <summary>A pool gained a member: told to its operator and the joining SME, never to the other members.</summary>
public sealed class PoolMemberJoinedConsumer(Fan fan) : IConsumer<PoolMemberJoined>
{
    public Task Consume(ConsumeContext<PoolMemberJoined> context)
    {
        var j = context.Message;
        return fan.Out(context, "webhooks.pool-member-joined", EventTypes.PoolJoined, [j.OperatorOrg, j.MemberOrg], j.JoinedAt, j.PublicData());
    }
}

/// <summary>The train runs: the operator is told of every member, each member's organisation only of its own part.</summary>
public sealed class PoolFormedConsumer(Fan fan) : IConsumer<PoolFormed>
{
    public Task Consume(ConsumeContext<PoolFormed> context)
    {
        var f = context.Message;
        var views = f.PublicViews().Select(v => ((IReadOnlyList<string>)[v.Org], v.Data)).ToList();
        return fan.OutEach(context, "webhooks.pool-formed", EventTypes.PoolFormed, f.FormedAt, views);
    }
}

/// <summary>The pool did not reach its minimum: its operator and members are told (no member names the others).</summary>
public sealed class PoolCancelledConsumer(Fan fan) : IConsumer<PoolCancelled>
{
    public Task Consume(ConsumeContext<PoolCancelled> context)
    {
        var c = context.Message;
        return fan.Out(context, "webhooks.pool-cancelled", EventTypes.PoolCancelled, c.MemberOrgs.Append(c.OperatorOrg), c.CancelledAt, c.PublicData());
    }
}

/// <summary>A new cargo offer fits an open pool: its owner is invited, with the price now and at full fill.</summary>
public sealed class PoolSuggestedConsumer(Fan fan) : IConsumer<PoolSuggested>
{
    public Task Consume(ConsumeContext<PoolSuggested> context)
    {
        var s = context.Message;
        return fan.Out(context, "webhooks.pool-suggested", EventTypes.PoolSuggested, [s.OwnerOrg], s.SuggestedAt, s.PublicData());
    }
}

/// <summary>Queues an event's deliveries in the transaction that records its message, then wakes the dispatcher.</summary>
public sealed class Fan(Outbox outbox, DeliveriesQueued dispatcher)
{
    /// <summary>
    /// The webhook-id is the bus message id, so a redelivered message is the same webhook. One statement records the
    /// message and queues its deliveries (<see cref="WebhookEvent.FanOutOnce"/>).
    /// </summary>
    public async Task Out<T>(ConsumeContext<T> context, string consumer, string type,
        IEnumerable<string> orgs, DateTimeOffset occurredAt, object data) where T : class
    {
        var messageId = context.MessageId ?? throw new InvalidOperationException("Message without MessageId");
        await using var tx = await outbox.Begin(context.CancellationToken);
        var queued = await WebhookEvent.FanOutOnce(tx.Connection, tx.Transaction, messageId, consumer, type, orgs, occurredAt, data);
        await tx.Commit(context.CancellationToken);
        if (queued > 0) dispatcher.Wake();
    }

    /// <summary>
    /// One event whose organisations see different parts of it: each view is its own webhook, with an id derived from
    /// the bus message id and the view's organisations, so a redelivered message is the same webhooks.
    /// </summary>
    public async Task OutEach<T>(ConsumeContext<T> context, string consumer, string type,
        DateTimeOffset occurredAt, IReadOnlyList<(IReadOnlyList<string> Orgs, object Data)> views) where T : class
    {
        var queued = 0;
        await outbox.HandleOnce(context, consumer, async tx =>
        {
            foreach (var (orgs, data) in views)
                queued += await WebhookEvent.FanOut(tx.Connection, tx.Transaction, ViewId(context.MessageId!.Value, orgs), type,
                    orgs, occurredAt, data);
        });
        if (queued > 0) dispatcher.Wake();
    }

    /// <summary>Many events of one message in one transaction; <paramref name="fanOut"/> returns the deliveries queued.</summary>
    public async Task OutMany<T>(ConsumeContext<T> context, string consumer,
        Func<OutboxTransaction, Task<int>> fanOut) where T : class
    {
        var queued = 0;
        await outbox.HandleOnce(context, consumer, async tx => queued = await fanOut(tx));
        if (queued > 0) dispatcher.Wake();
    }

    private static Guid ViewId(Guid messageId, IReadOnlyList<string> orgs) =>
        new(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{messageId:N}|{string.Join('|', orgs)}")).AsSpan(0, 16));
}
