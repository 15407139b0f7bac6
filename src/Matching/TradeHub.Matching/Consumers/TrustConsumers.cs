using MassTransit;
using TradeHub.Hosting.Messaging;
using TradeHub.Shipments.Contracts;

namespace TradeHub.Matching.Consumers;

/// <summary>
/// Keeps Matching's copy of each organisation's trust score for the match views; it takes no matching turn, since
/// scores do not change what is proposed.
/// </summary>
public sealed class TrustScoreChangedConsumer(Outbox outbox) : IConsumer<TrustScoreChanged>
{
    public Task Consume(ConsumeContext<TrustScoreChanged> context) =>
        outbox.HandleOnce(context, "matching.trust-score-changed",
            tx => TrustScoreCopy.Keep(tx, context.Message.Org, context.Message.Score, context.Message.ChangedAt));
}
