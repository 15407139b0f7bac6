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
        await turn.Handle(context, MatchingTurn.CargoCapacity, "matching.capacity-offer-posted", offer.Id, shared: false, async (connection, tx) =>
        {
            if (!await connection.InsertCapacity(tx, offer)) return null;
            return async () =>
            {
                var found = offers.Read(i => i.MatchCapacity(offer, rules, rules.MaxOpenProposalsPerOffer));
                // Capacity offers that arrive together take the turn together: the next one may chain with this one.
                offers.Stage(offer);
                // The places the offers before it in this turn took count too.
                await turn.ProposeNow(connection, tx);
                await turn.Propose(tx, await connection.WithRoom(tx,
                    found.OrderByDescending(m => m.Score).Select(Proposal.From).ToList(), rules, rules.MaxProposalsPerNewCapacity));
            };
        }, together: true);
    }
}

/// <summary>
/// Capacity withdrawn (even before its post arrives): closed, its open proposals declined, and their cargo offers
/// proposed their next best chains.
/// </summary>
public sealed class CapacityOfferWithdrawnConsumer(NpgsqlDataSource dataSource, OpenOffers offers, MatchingTurn turn)
    : IConsumer<CapacityOfferWithdrawn>
{
    public async Task Consume(ConsumeContext<CapacityOfferWithdrawn> context)
    {
        var id = context.Message.CapacityOfferId;
        List<Proposals.Declined> declined = [];
        await dataSource.HandleOnce(context, "matching.capacity-offer-withdrawn", async (connection, tx) =>
        {
            await connection.LockOffer(tx, id);
            await connection.CloseOffer(tx, id, "withdrawn");
            declined = await connection.DeclineOpenFreeing(tx, id, "the capacity offer was withdrawn");
        });
        await offers.CatchUp(context.CancellationToken);
        await turn.Refill(Proposals.FreedBy(declined), ct: context.CancellationToken);
    }
}
