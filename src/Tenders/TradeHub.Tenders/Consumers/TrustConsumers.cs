using MassTransit;
using TradeHub.Hosting.Messaging;
using TradeHub.Shipments.Contracts;

namespace TradeHub.Tenders.Consumers;

/// <summary>
/// Keeps Tenders' copy of each organisation's trust score for the award views and a tender's minimum.
/// </summary>
public sealed class TrustScoreChangedConsumer(Outbox outbox) : IConsumer<TrustScoreChanged>
{
    public Task Consume(ConsumeContext<TrustScoreChanged> context) =>
        outbox.HandleOnce(context, "tenders.trust-score-changed",
            tx => TrustScoreCopy.Keep(tx, context.Message.Org, context.Message.Score, context.Message.ChangedAt));
}
