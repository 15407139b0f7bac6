using Dapper;

namespace TradeHub.Hosting.Messaging;

/// <summary>
/// A service's own copy of the trust scores Shipments publishes (its TrustScoreChanged event), kept in the service's
/// trust_scores table (org, score, changed_at) by its consumer inside the inbox's transaction. The newest change
/// wins: an older change arriving after a newer one changes nothing. The consumer passes the event's fields, since
/// the hosting library references no contracts project.
/// </summary>
public static class TrustScoreCopy
{
    private const string UpsertSql = """
        INSERT INTO trust_scores (org, score, changed_at) VALUES (@Org, @Score, @ChangedAt)
        ON CONFLICT (org) DO UPDATE SET score = EXCLUDED.score, changed_at = EXCLUDED.changed_at
        WHERE trust_scores.changed_at <= EXCLUDED.changed_at
        """;

    /// <summary>Stores the organisation's score as of changedAt; a score outside 0-100 or without an organisation is ignored.</summary>
    public static Task Keep(OutboxTransaction tx, string? org, int score, DateTimeOffset changedAt) =>
        score is < 0 or > 100 || string.IsNullOrEmpty(org)
            ? Task.CompletedTask
            : tx.Connection.ExecuteAsync(UpsertSql, new { Org = org, Score = score, ChangedAt = changedAt }, tx.Transaction);
}
