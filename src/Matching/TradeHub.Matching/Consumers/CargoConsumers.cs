using MassTransit;
using Npgsql;
using TradeHub.Hosting.Messaging;
using TradeHub.Listings.Contracts;
using TradeHub.Matching.CargoMatching;
using TradeHub.Matching.Flows;
using TradeHub.Matching.Matches;
using TradeHub.Matching.Offers;
using TradeHub.Pools.Contracts;
using TradeHub.Routing.Contracts;

namespace TradeHub.Matching.Consumers;

/// <summary>A new cargo offer: stored, then matched against the open capacity on its routes (if they came first).</summary>
public sealed class CargoOfferPostedConsumer(MatchingTurn turn, OpenOffers offers, MatchingRules rules)
    : IConsumer<CargoOfferPosted>
{
    public async Task Consume(ConsumeContext<CargoOfferPosted> context)
    {
        var offer = context.Message.ToOffer();
        await turn.Handle(context, MatchingTurn.CargoCapacity, "matching.cargo-offer-posted", offer.Id, shared: true, async tx =>
        {
            if (await tx.Connection.InsertCargoWithRoutes(tx.Transaction, offer) is not { Count: > 0 } routes) return null;
            return () => turn.Propose(tx, offers.Read(i => i.MatchCargo(offer, routes, rules, rules.MaxOpenProposalsPerOffer))
                .Select(Proposal.From));
        });
    }
}

/// <summary>New route options for a cargo offer (posted or re-routed): proposals off the new routes go, new chains are sought.</summary>
public sealed class CargoRoutesComputedConsumer(MatchingTurn turn, OpenOffers offers, MatchingRules rules)
    : IConsumer<CargoRoutesComputed>
{
    public async Task Consume(ConsumeContext<CargoRoutesComputed> context)
    {
        var message = context.Message;
        var routes = message.ToRoutes();
        await turn.Handle(context, MatchingTurn.CargoCapacity, "matching.cargo-routes-computed", message.CargoOfferId, shared: true, async tx =>
        {
            if (await tx.Connection.UpsertRoutesOfOpenCargo(tx.Transaction, message.CargoOfferId, message.Version, routes) is not { } offer) return null;
            return async () =>
            {
                // Proposals come only from routes, so the first routes of an offer have none to decline. (Its earlier
                // routes may be in this batch too: their proposals are stored first, so the decline sees them. And
                // in the turn, so it also sees what a capacity offer proposed on them just before.)
                if (message.Version > 1)
                {
                    await turn.ProposeNow(tx);
                    await tx.DeclineOffRoute(offer.Id, routes);
                }
                await turn.Propose(tx, offers.Read(i => i.MatchCargo(offer, routes, rules, rules.MaxOpenProposalsPerOffer))
                    .Select(Proposal.From));
            };
        });
    }
}

/// <summary>A cargo offer went away: it closes (even before its post arrives) and its open proposals are declined.</summary>
public sealed class CargoOfferWithdrawnConsumer(Outbox outbox, OpenOffers offers)
    : IConsumer<CargoOfferWithdrawn>, IConsumer<CargoOfferExpired>
{
    public Task Consume(ConsumeContext<CargoOfferWithdrawn> context) =>
        Close(context, context.Message.CargoOfferId, "withdrawn", "matching.cargo-offer-withdrawn");

    public Task Consume(ConsumeContext<CargoOfferExpired> context) =>
        Close(context, context.Message.CargoOfferId, "expired", "matching.cargo-offer-expired");

    private async Task Close<T>(ConsumeContext<T> context, Guid id, string status, string consumer) where T : class
    {
        await outbox.HandleOnce(context, consumer, async tx =>
        {
            await tx.Connection.LockOffer(tx.Transaction, id);
            await tx.Connection.CloseOffer(tx.Transaction, id, status);
            await tx.DeclineOpen(id, $"the cargo offer was {status}");
        });
        await offers.CatchUp(context.CancellationToken);
    }
}

/// <summary>
/// An awarded bid counts as a flow (corridor and mode from the awarded route when Matching knows it), and the cargo
/// offer is no longer open for matching.
/// </summary>
public sealed class BidAwardedConsumer(Outbox outbox, OpenOffers offers) : IConsumer<BidAwarded>
{
    public async Task Consume(ConsumeContext<BidAwarded> context)
    {
        var m = context.Message;
        await outbox.HandleOnce(context, "matching.bid-awarded", async tx =>
        {
            await tx.Connection.LockOffer(tx.Transaction, m.CargoOfferId);
            var routes = await tx.Connection.RoutesOf(tx.Transaction, m.CargoOfferId);
            var route = routes.FirstOrDefault(r => r.RouteId == m.RouteId) ?? (routes.Count > 0 ? routes[0] : null);
            await tx.Connection.RecordFlow(tx.Transaction, new Flow(m.BidId, "bid", m.Origin, m.Destination, route?.Corridor ?? "",
                route?.MainMode ?? "", m.HsCode, m.ContainerCount, m.WeightKg, m.AwardedAt));
            await tx.Connection.CloseOffer(tx.Transaction, m.CargoOfferId, "awarded");
            await tx.DeclineOpen(m.CargoOfferId, "the cargo offer was awarded to a bid");
        });
        await offers.CatchUp(context.CancellationToken);
    }
}

/// <summary>
/// A cargo offer joined a consolidation pool: it leaves ordinary matching (its open proposals are declined) while
/// the pool holds it.
/// </summary>
public sealed class CargoOfferPooledConsumer(Outbox outbox, OpenOffers offers) : IConsumer<CargoOfferPooled>
{
    public async Task Consume(ConsumeContext<CargoOfferPooled> context)
    {
        var m = context.Message;
        await outbox.HandleOnce(context, "matching.cargo-offer-pooled", async tx =>
        {
            await tx.Connection.LockOffer(tx.Transaction, m.CargoOfferId);
            await tx.Connection.PoolCargo(tx.Transaction, m.CargoOfferId, m.PoolId);
            await tx.DeclineOpen(m.CargoOfferId, OfferProjections.PooledReason);
        });
        await offers.CatchUp(context.CancellationToken);
    }
}

/// <summary>
/// A pool gave a cargo offer back (its owner left, or the pool was cancelled at its cut-off): open again, and matched
/// against the open capacity on its routes as if just posted.
/// </summary>
public sealed class CargoOfferUnpooledConsumer(MatchingTurn turn, OpenOffers offers, MatchingRules rules)
    : IConsumer<CargoOfferUnpooled>
{
    public async Task Consume(ConsumeContext<CargoOfferUnpooled> context)
    {
        var m = context.Message;
        await turn.Handle(context, MatchingTurn.CargoCapacity, "matching.cargo-offer-unpooled", m.CargoOfferId, shared: true, async tx =>
        {
            if (await tx.Connection.UnpoolCargo(tx.Transaction, m.CargoOfferId, m.PoolId) is not { Routes.Count: > 0 } reopened)
                return null;
            return () => turn.Propose(tx, offers.Read(i => i.MatchCargo(reopened.Offer, reopened.Routes, rules, rules.MaxOpenProposalsPerOffer))
                .Select(Proposal.From));
        });
    }
}
