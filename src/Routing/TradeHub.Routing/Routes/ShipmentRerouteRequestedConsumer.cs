using MassTransit;
using TradeHub.Hosting.Messaging;
using TradeHub.Routing.Contracts;
using TradeHub.Routing.Network;
using TradeHub.Shipments.Contracts;

namespace TradeHub.Routing.Routes;

/// <summary>
/// A disruption blocks a shipment in transit: the fastest routes from its position to its destination on the day it
/// would have passed the closure (the closure and any other disruption of that day avoided) go back to Shipments.
/// </summary>
public sealed class ShipmentRerouteRequestedConsumer(Outbox outbox, NetworkState network) : IConsumer<ShipmentRerouteRequested>
{
    public const int Alternatives = 3;

    public async Task Consume(ConsumeContext<ShipmentRerouteRequested> context)
    {
        var m = context.Message;
        var snapshot = await network.Get(context.CancellationToken);
        var plan = RoutePlanner.Plan(snapshot, new RouteRequest
        {
            From = m.From, To = m.To, ReadyDate = m.Date, Objective = Objective.Fastest, Max = Alternatives, Avoid = m.Avoid,
        });
        await outbox.HandleOnce(context, "routing.shipment-reroute-requested", tx => tx.Enqueue(new AlternativeRoutesComputed
        {
            RequestId = m.RequestId, ShipmentId = m.ShipmentId, From = m.From, To = m.To, Routes = plan.Routes,
            Reason = plan.Found ? null : plan.Reason, ComputedAt = DateTimeOffset.UtcNow,
        }));
    }
}
