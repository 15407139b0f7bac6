using Dapper;
using Npgsql;

namespace TradeHub.Matching.Offers;

/// <summary>
/// One matcher at a time per kind of match, across every instance. Without it, two offers that only match each
/// other (a buyer and a seller posted together) are handled at once and neither sees the other: each matches
/// against an index that lacks the other, and both commit. Holding the turn until commit, then catching up the
/// index, means the second always sees the first.
/// </summary>
public static class MatchingTurn
{
    public const string CargoCapacity = "matching:cargo-capacity";
    public const string Trade = "matching:trade";

    private const string TurnSql = "SELECT pg_advisory_xact_lock(hashtextextended(@Kind, 0))";

    /// <summary>Waits for this kind's turn (held until the transaction ends), then brings the index up to date.</summary>
    public static async Task TakeTurn(this NpgsqlConnection connection, NpgsqlTransaction tx, string kind, OpenOffers offers,
        CancellationToken ct)
    {
        await connection.ExecuteAsync(TurnSql, new { Kind = kind }, tx);
        await offers.CatchUp(ct);
    }
}
