using MassTransit;
using TradeHub.Listings.Contracts;
using TradeHub.Matching.Matches;
using TradeHub.Matching.Offers;
using TradeHub.Routing.Contracts;

namespace TradeHub.Matching.Consumers;

/// <summary>A new trade offer: matched against the open opposite offers under its HS heading.</summary>
public sealed class TradeOfferPostedConsumer(Partitions partitions) : IConsumer<TradeOfferPosted>
{
    public Task Consume(ConsumeContext<TradeOfferPosted> context)
    {
        var offer = context.Message.ToOffer();
        return partitions.Handle(context, Partitions.Trade, "matching.trade-offer-posted", async w =>
        {
            if (!await w.Connection.InsertTrade(w.Transaction, offer)) return;
            // Every fitting counterpart, best first: the best ones may hold all their places already.
            var found = w.Read(i => i.MatchTrade(offer, int.MaxValue)).Select(Proposal.From).ToList();
            // The next trade offer of the batch sees this one.
            w.Change(i => i.PutTrade(offer));
            w.Propose(await w.WithRoom(found, w.Rules.MaxOpenProposalsPerOffer));
        });
    }
}

/// <summary>A trade offer withdrawn or expired (even before its post arrives): closed, its open proposals declined.</summary>
public sealed class TradeOfferWithdrawnConsumer(Partitions partitions)
    : IConsumer<TradeOfferWithdrawn>, IConsumer<TradeOfferExpired>
{
    public Task Consume(ConsumeContext<TradeOfferWithdrawn> context) =>
        Close(context, context.Message.TradeOfferId, "withdrawn", "matching.trade-offer-withdrawn");

    public Task Consume(ConsumeContext<TradeOfferExpired> context) =>
        Close(context, context.Message.TradeOfferId, "expired", "matching.trade-offer-expired");

    private Task Close<T>(ConsumeContext<T> context, Guid id, string status, string consumer) where T : class =>
        partitions.Handle(context, Partitions.Trade, consumer, async w =>
        {
            await w.Connection.CloseOffer(w.Transaction, id, status);
            w.Change(i => i.RemoveTrade(id));
            await w.ProposeNow();
            await w.Tx.DeclineOpen(id, $"the trade offer was {status}");
        });
}

/// <summary>A newer logistics cost table: landed costs change, so every open buyer is matched again.</summary>
public sealed class LogisticsCostTableComputedConsumer(Partitions partitions) : IConsumer<LogisticsCostTableComputed>
{
    public Task Consume(ConsumeContext<LogisticsCostTableComputed> context)
    {
        var quotes = context.Message.ToQuotes();
        return partitions.Handle(context, Partitions.Trade, "matching.logistics-cost-table-computed", async w =>
        {
            if (!await w.Connection.UpsertLogistics(w.Transaction, context.Message.Version, quotes)) return;
            w.Change(i => i.SetLogistics(quotes));
            // Each buyer's own places cap what it gets, so every fitting pair is a candidate, best first.
            w.Propose(await w.WithRoom(
                w.Read(i => i.MatchAllTrade(int.MaxValue, quotes)).OrderByDescending(m => m.Score).Select(Proposal.From).ToList(),
                int.MaxValue));
        });
    }
}
