using MassTransit;
using TradeHub.Listings.Contracts;
using TradeHub.Matching.Flows;
using TradeHub.Matching.Matches;
using TradeHub.Matching.Offers;
using TradeHub.Pools.Contracts;
using TradeHub.Routing.Contracts;

namespace TradeHub.Matching.Consumers;

/// <summary>
/// A cargo offer's routes, with the offer itself when Routing carries it: a new offer is stored with its routes and
/// matched; new routes of a known offer replace the old ones, proposals off them go and new chains are sought.
/// </summary>
public sealed class CargoRoutesComputedConsumer(Partitions partitions) : IConsumer<CargoRoutesComputed>
{
    public Task Consume(ConsumeContext<CargoRoutesComputed> context)
    {
        var message = context.Message;
        var routes = message.ToRoutes();
        var posted = message.ToOffer();
        return partitions.Handle(context, Partitions.CargoCapacity, "matching.cargo-routes-computed", async w =>
        {
            if (posted is not null)
            {
                var (stored, current) = await w.Connection.InsertCargoWithRoutes(w.Transaction, posted, message.Version, routes);
                if (stored == OfferProjections.Stored.Closed) return;
                if (stored == OfferProjections.Stored.Open)
                {
                    // A new offer has no proposals to decline.
                    w.Change(i =>
                    {
                        i.PutCargo(posted);
                        i.PutRoutes(posted.Id, current);
                    });
                    w.Propose(w.Read(i => i.MatchCargo(posted, current, w.Rules, w.Rules.MaxOpenProposalsPerOffer)).Select(Proposal.From));
                    return;
                }
            }
            // New routes of an offer stored before. Routes without the offer are re-routes of offers Routing stored
            // before it carried them, posted when Matching still took the posts: an unknown offer's are kept and match nothing.
            if (await w.Connection.UpsertRoutesOfOpenCargo(w.Transaction, message.CargoOfferId, message.Version, routes) is not { } offer)
                return;
            w.Change(i => i.PutRoutes(offer.Id, routes));
            // Its earlier routes may be in this batch too: their proposals are stored first, so the decline sees them.
            if (message.Version > 1)
            {
                await w.ProposeNow();
                await w.Tx.DeclineOffRoute(offer.Id, routes);
            }
            w.Propose(w.Read(i => i.MatchCargo(offer, routes, w.Rules, w.Rules.MaxOpenProposalsPerOffer)).Select(Proposal.From));
        });
    }
}

/// <summary>A cargo offer went away: it closes (even before its post arrives) and its open proposals are declined.</summary>
public sealed class CargoOfferWithdrawnConsumer(Partitions partitions)
    : IConsumer<CargoOfferWithdrawn>, IConsumer<CargoOfferExpired>
{
    public Task Consume(ConsumeContext<CargoOfferWithdrawn> context) =>
        Close(context, context.Message.CargoOfferId, "withdrawn", "matching.cargo-offer-withdrawn");

    public Task Consume(ConsumeContext<CargoOfferExpired> context) =>
        Close(context, context.Message.CargoOfferId, "expired", "matching.cargo-offer-expired");

    private Task Close<T>(ConsumeContext<T> context, Guid id, string status, string consumer) where T : class =>
        partitions.Handle(context, Partitions.CargoCapacity, consumer, async w =>
        {
            await w.Connection.CloseOffer(w.Transaction, id, status);
            w.Change(i => i.RemoveCargoWithRoutes(id));
            await w.ProposeNow();
            await w.Tx.DeclineOpen(id, $"the cargo offer was {status}");
        });
}

/// <summary>
/// An awarded bid counts as a flow (corridor and mode from the awarded route when Matching knows it), and the cargo
/// offer is no longer open for matching.
/// </summary>
public sealed class BidAwardedConsumer(Partitions partitions) : IConsumer<BidAwarded>
{
    public Task Consume(ConsumeContext<BidAwarded> context)
    {
        var m = context.Message;
        return partitions.Handle(context, Partitions.CargoCapacity, "matching.bid-awarded", async w =>
        {
            var routes = await w.Connection.RoutesOf(w.Transaction, m.CargoOfferId);
            var route = routes.FirstOrDefault(r => r.RouteId == m.RouteId) ?? (routes.Count > 0 ? routes[0] : null);
            await w.Connection.RecordFlow(w.Transaction, new Flow(m.BidId, "bid", m.Origin, m.Destination, route?.Corridor ?? "",
                route?.MainMode ?? "", m.HsCode, m.ContainerCount, m.WeightKg, m.AwardedAt));
            await w.Connection.CloseOffer(w.Transaction, m.CargoOfferId, "awarded");
            w.Change(i => i.RemoveCargoWithRoutes(m.CargoOfferId));
            await w.ProposeNow();
            await w.Tx.DeclineOpen(m.CargoOfferId, "the cargo offer was awarded to a bid");
        });
    }
}

/// <summary>
/// A cargo offer joined a consolidation pool: it leaves ordinary matching (its open proposals are declined) while
/// the pool holds it.
/// </summary>
public sealed class CargoOfferPooledConsumer(Partitions partitions) : IConsumer<CargoOfferPooled>
{
    public Task Consume(ConsumeContext<CargoOfferPooled> context)
    {
        var m = context.Message;
        return partitions.Handle(context, Partitions.CargoCapacity, "matching.cargo-offer-pooled", async w =>
        {
            await w.Connection.PoolCargo(w.Transaction, m.CargoOfferId, m.PoolId);
            // A pool that already gave it back (a late or redelivered message) leaves it open, and in the index.
            if (!await w.Connection.IsOpenCargo(w.Transaction, m.CargoOfferId))
                w.Change(i => i.RemoveCargoWithRoutes(m.CargoOfferId));
            await w.ProposeNow();
            await w.Tx.DeclineOpen(m.CargoOfferId, OfferProjections.PooledReason);
        });
    }
}

/// <summary>
/// A pool gave a cargo offer back (its owner left, or the pool was cancelled at its cut-off): open again, and matched
/// against the open capacity on its routes as if just posted.
/// </summary>
public sealed class CargoOfferUnpooledConsumer(Partitions partitions) : IConsumer<CargoOfferUnpooled>
{
    public Task Consume(ConsumeContext<CargoOfferUnpooled> context)
    {
        var m = context.Message;
        return partitions.Handle(context, Partitions.CargoCapacity, "matching.cargo-offer-unpooled", async w =>
        {
            if (await w.Connection.UnpoolCargo(w.Transaction, m.CargoOfferId, m.PoolId) is not { } reopened) return;
            w.Change(i =>
            {
                i.PutCargo(reopened.Offer);
                if (reopened.Routes.Count > 0) i.PutRoutes(reopened.Offer.Id, reopened.Routes);
            });
            if (reopened.Routes.Count == 0) return;
            w.Propose(w.Read(i => i.MatchCargo(reopened.Offer, reopened.Routes, w.Rules, w.Rules.MaxOpenProposalsPerOffer))
                .Select(Proposal.From));
        });
    }
}
