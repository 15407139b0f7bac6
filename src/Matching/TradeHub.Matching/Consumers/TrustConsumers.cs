using Dapper;
using MassTransit;
using TradeHub.Hosting.Messaging;
using TradeHub.Shipments.Contracts;

namespace TradeHub.Matching.Consumers;

/// <summary>
/// Keeps the latest trust score of each organisation for the match views; it takes no matching turn, since scores do
/// not change what is proposed. An older change arriving after a newer one changes nothing.
/// </summary>
public sealed class TrustScoreChangedConsumer(Outbox outbox) : IConsumer<TrustScoreChanged>
{
    private const string UpsertSql = """
        INSERT INTO trust_scores (org, score, changed_at) VALUES (@Org, @Score, @ChangedAt)
        ON CONFLICT (org) DO UPDATE SET score = EXCLUDED.score, changed_at = EXCLUDED.changed_at
        WHERE trust_scores.changed_at <= EXCLUDED.changed_at
        """;

    public Task Consume(ConsumeContext<TrustScoreChanged> context) =>
        outbox.HandleOnce(context, "matching.trust-score-changed", tx =>
        {
            var change = context.Message;
            if (change.Score is < 0 or > 100 || string.IsNullOrEmpty(change.Org)) return Task.CompletedTask;
            return tx.Connection.ExecuteAsync(UpsertSql, new { change.Org, change.Score, change.ChangedAt }, tx.Transaction);
        });
}
