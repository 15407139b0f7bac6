using MassTransit;
using Npgsql;
using TradeHub.Hosting.Messaging;
using TradeHub.Listings.Contracts;
using TradeHub.Matching.CargoMatching;
using TradeHub.Matching.Matches;
using TradeHub.Matching.Offers;
using TradeHub.Routing.Contracts;

namespace TradeHub.Matching.Consumers;

/// <summary>A new trade offer: matched against the open opposite offers under its HS heading.</summary>
public sealed class TradeOfferPostedConsumer(MatchingTurn turn, OpenOffers offers, MatchingRules rules)
    : IConsumer<TradeOfferPosted>
{
    public async Task Consume(ConsumeContext<TradeOfferPosted> context)
    {
        var offer = context.Message.ToOffer();
        await turn.Handle(context, MatchingTurn.Trade, "matching.trade-offer-posted", offer.Id, shared: false, async tx =>
        {
            if (!await tx.Connection.InsertTrade(tx.Transaction, offer)) return null;
            // Every fitting counterpart, best first: the best ones may hold all their places already.
            return async () => await turn.Propose(tx, await tx.WithRoom(
                offers.Read(i => i.MatchTrade(offer, int.MaxValue)).Select(Proposal.From).ToList(),
                rules, rules.MaxOpenProposalsPerOffer));
        });
    }
}

/// <summary>A trade offer withdrawn or expired (even before its post arrives): closed, its open proposals declined.</summary>
public sealed class TradeOfferWithdrawnConsumer(Outbox outbox, OpenOffers offers)
    : IConsumer<TradeOfferWithdrawn>, IConsumer<TradeOfferExpired>
{
    public Task Consume(ConsumeContext<TradeOfferWithdrawn> context) =>
        Close(context, context.Message.TradeOfferId, "withdrawn", "matching.trade-offer-withdrawn");

    public Task Consume(ConsumeContext<TradeOfferExpired> context) =>
        Close(context, context.Message.TradeOfferId, "expired", "matching.trade-offer-expired");

    private async Task Close<T>(ConsumeContext<T> context, Guid id, string status, string consumer) where T : class
    {
        await outbox.HandleOnce(context, consumer, async tx =>
        {
            await tx.Connection.LockOffer(tx.Transaction, id);
            await tx.Connection.CloseOffer(tx.Transaction, id, status);
            await tx.DeclineOpen(id, $"the trade offer was {status}");
        });
        await offers.CatchUp(context.CancellationToken);
    }
}

/// <summary>A newer logistics cost table: landed costs change, so every open buyer is matched again.</summary>
public sealed class LogisticsCostTableComputedConsumer(MatchingTurn turn, OpenOffers offers, MatchingRules rules)
    : IConsumer<LogisticsCostTableComputed>
{
    public async Task Consume(ConsumeContext<LogisticsCostTableComputed> context)
    {
        var quotes = context.Message.ToQuotes();
        await turn.Handle(context, MatchingTurn.Trade, "matching.logistics-cost-table-computed", offerId: null, shared: false, async tx =>
        {
            if (!await tx.Connection.UpsertLogistics(tx.Transaction, context.Message.Version, quotes)) return null;
            // Each buyer's own places cap what it gets, so every fitting pair is a candidate, best first.
            return async () => await turn.Propose(tx, await tx.WithRoom(
                offers.Read(i => i.MatchAllTrade(int.MaxValue, quotes)).OrderByDescending(m => m.Score)
                    .Select(Proposal.From).ToList(),
                rules, int.MaxValue));
        });
    }
}
