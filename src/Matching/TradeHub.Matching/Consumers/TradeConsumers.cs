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
        await turn.Handle(context, MatchingTurn.Trade, "matching.trade-offer-posted", offer.Id, shared: false, async (connection, tx) =>
        {
            if (!await connection.InsertTrade(tx, offer)) return null;
            // Every fitting counterpart, best first: the best ones may hold all their places already.
            return async () => await turn.Propose(tx, await connection.WithRoom(tx,
                offers.Read(i => i.MatchTrade(offer, int.MaxValue)).Select(Proposal.From).ToList(),
                rules, rules.MaxOpenProposalsPerOffer));
        });
    }
}

/// <summary>A trade offer withdrawn or expired (even before its post arrives): closed, its open proposals declined.</summary>
public sealed class TradeOfferWithdrawnConsumer(NpgsqlDataSource dataSource, OpenOffers offers)
    : IConsumer<TradeOfferWithdrawn>
{
    public async Task Consume(ConsumeContext<TradeOfferWithdrawn> context)
    {
        var id = context.Message.TradeOfferId;
        await dataSource.HandleOnce(context, "matching.trade-offer-withdrawn", async (connection, tx) =>
        {
            await connection.LockOffer(tx, id);
            await connection.CloseOffer(tx, id, "withdrawn");
            await connection.DeclineOpen(tx, id, "the trade offer was withdrawn");
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
        await turn.Handle(context, MatchingTurn.Trade, "matching.logistics-cost-table-computed", offerId: null, shared: false, async (connection, tx) =>
        {
            if (!await connection.UpsertLogistics(tx, context.Message.Version, quotes)) return null;
            // Each buyer's own places cap what it gets, so every fitting pair is a candidate, best first.
            return async () => await turn.Propose(tx, await connection.WithRoom(tx,
                offers.Read(i => i.MatchAllTrade(int.MaxValue, quotes)).OrderByDescending(m => m.Score)
                    .Select(Proposal.From).ToList(),
                rules, int.MaxValue));
        });
    }
}
