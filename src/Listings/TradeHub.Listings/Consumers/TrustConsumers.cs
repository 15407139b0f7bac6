using MassTransit;
using TradeHub.Hosting.Messaging;
using TradeHub.Shipments.Contracts;

namespace TradeHub.Listings.Consumers;

/// <summary>
/// Keeps Listings' copy of each organisation's trust score, which a cargo offer's minimum and the bid views read.
/// </summary>
public sealed class TrustScoreChangedConsumer(Outbox outbox) : IConsumer<TrustScoreChanged>
{
    public Task Consume(ConsumeContext<TrustScoreChanged> context) =>
        outbox.HandleOnce(context, "listings.trust-score-changed",
            tx => TrustScoreCopy.Keep(tx, context.Message.Org, context.Message.Score, context.Message.ChangedAt));
}
