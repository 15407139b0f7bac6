using MassTransit;
using Npgsql;
using TradeHub.Hosting.Messaging;
using TradeHub.Listings.Contracts;
using TradeHub.Matching.CargoMatching;
using TradeHub.Matching.Matches;
using TradeHub.Matching.Offers;

namespace TradeHub.Matching.Consumers;

/// <summary>New capacity: matched against the open cargo offers whose routes pass its lane (node index).</summary>
public sealed class CapacityOfferPostedConsumer(MatchingTurn turn, OpenOffers offers, MatchingRules rules)
    : IConsumer<CapacityOfferPosted>
{
    public async Task Consume(ConsumeContext<CapacityOfferPosted> context)
    {
        var offer = context.Message.ToOffer();
        await turn.Handle(context, MatchingTurn.CargoCapacity, "matching.capacity-offer-posted", offer.Id, shared: false, async tx =>
        {
            if (!await tx.Connection.InsertCapacity(tx.Transaction, offer)) return null;
            return async () =>
            {
                var found = offers.Read(i => i.MatchCapacity(offer, rules, rules.MaxOpenProposalsPerOffer));
                // Capacity offers that arrive together take the turn together: the next one may chain with this one.
                offers.Stage(offer);
                // The places the offers before it in this turn took count too.
                await turn.ProposeNow(tx);
                await turn.Propose(tx, await tx.WithRoom(
                    found.OrderByDescending(m => m.Score).Select(Proposal.From).ToList(), rules, rules.MaxProposalsPerNewCapacity));
            };
        }, together: true);
    }
}

/// <summary>
/// Capacity withdrawn or expired (even before its post arrives): closed, its open proposals declined, and their cargo
/// offers proposed their next best chains.
/// </summary>
public sealed class CapacityOfferWithdrawnConsumer(Outbox outbox, OpenOffers offers, MatchingTurn turn)
    : IConsumer<CapacityOfferWithdrawn>, IConsumer<CapacityOfferExpired>
{
    public Task Consume(ConsumeContext<CapacityOfferWithdrawn> context) =>
        Close(context, context.Message.CapacityOfferId, "withdrawn", "matching.capacity-offer-withdrawn");

    public Task Consume(ConsumeContext<CapacityOfferExpired> context) =>
        Close(context, context.Message.CapacityOfferId, "expired", "matching.capacity-offer-expired");

    private async Task Close<T>(ConsumeContext<T> context, Guid id, string status, string consumer) where T : class
    {
        List<Proposals.Declined> declined = [];
        await outbox.HandleOnce(context, consumer, async tx =>
        {
            await tx.Connection.LockOffer(tx.Transaction, id);
            await tx.Connection.CloseOffer(tx.Transaction, id, status);
            declined = await tx.DeclineOpenFreeing(id, $"the capacity offer was {status}");
        });
        await offers.CatchUp(context.CancellationToken);
        await turn.Refill(Proposals.FreedBy(declined), ct: context.CancellationToken);
    }
}
