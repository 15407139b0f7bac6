using MassTransit;
using TradeHub.Listings.Contracts;
using TradeHub.Matching.Matches;
using TradeHub.Matching.Offers;

namespace TradeHub.Matching.Consumers;

/// <summary>New capacity: matched against the open cargo offers whose routes pass its lane (node index).</summary>
public sealed class CapacityOfferPostedConsumer(Partitions partitions) : IConsumer<CapacityOfferPosted>
{
    public Task Consume(ConsumeContext<CapacityOfferPosted> context)
    {
        var offer = context.Message.ToOffer();
        return partitions.Handle(context, Partitions.CargoCapacity, "matching.capacity-offer-posted", async w =>
        {
            if (!await w.Connection.InsertCapacity(w.Transaction, offer)) return;
            var found = w.Read(i => i.MatchCapacity(offer, w.Rules, w.Rules.MaxOpenProposalsPerOffer));
            // The next capacity offer of the batch may chain with this one.
            w.Change(i => i.PutCapacity(offer));
            // The places the offers before it in this batch took count too (WithRoom stores their proposals first).
            // Best first, made into proposals only as far as the room check reads.
            w.Propose(await w.WithRoom(found.OrderByDescending(m => m.Score).Select(Proposal.From),
                w.Rules.MaxProposalsPerNewCapacity));
        });
    }
}

/// <summary>
/// Capacity withdrawn or expired (even before its post arrives): closed, its open proposals declined, and their cargo
/// offers proposed their next best chains, in the same transaction.
/// </summary>
public sealed class CapacityOfferWithdrawnConsumer(Partitions partitions)
    : IConsumer<CapacityOfferWithdrawn>, IConsumer<CapacityOfferExpired>
{
    public Task Consume(ConsumeContext<CapacityOfferWithdrawn> context) =>
        Close(context, context.Message.CapacityOfferId, "withdrawn", "matching.capacity-offer-withdrawn");

    public Task Consume(ConsumeContext<CapacityOfferExpired> context) =>
        Close(context, context.Message.CapacityOfferId, "expired", "matching.capacity-offer-expired");

    private Task Close<T>(ConsumeContext<T> context, Guid id, string status, string consumer) where T : class =>
        partitions.Handle(context, Partitions.CargoCapacity, consumer, async w =>
        {
            await w.Connection.CloseOffer(w.Transaction, id, status);
            w.Change(i => i.RemoveCapacity(id));
            await w.ProposeNow();
            var declined = await w.Tx.DeclineOpenFreeing(id, $"the capacity offer was {status}");
            await w.Refill(Proposals.FreedBy(declined));
        });
}
