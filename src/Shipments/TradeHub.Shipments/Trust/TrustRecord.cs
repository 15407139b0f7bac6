using Dapper;
using Npgsql;
using TradeHub.Hosting.Messaging;
using TradeHub.Shipments.Common;
using TradeHub.Shipments.Contracts;

namespace TradeHub.Shipments.Trust;

/// <summary>
/// An organisation's trust score from the stored shipments and ratings, and its publication: a delivery or a rating
/// recomputes the scores it touches in its own transaction and enqueues <see cref="TrustScoreChanged"/> for each that
/// moved.
/// </summary>
public static class TrustRecord
{
    private const string ShipmentsSql = """
        SELECT id AS Id, shipper_org AS ShipperOrg, carrier_orgs AS CarrierOrgs, status AS Status, booked_at AS BookedAt,
               delivered_at AS DeliveredAt, legs::text AS LegsJson
        FROM shipments
        WHERE (shipper_org = @Org OR carrier_orgs @> ARRAY[@Org]) AND status IN ('delivered', 'cancelled')
        """;

    private const string RatingsSql = """
        SELECT shipment_id AS ShipmentId, rater_org AS RaterOrg, ratee_org AS RateeOrg, stars AS Stars
        FROM ratings WHERE ratee_org = @Org
        """;

    // Creates the row at the score without a record or locks the existing one (DO UPDATE locks, DO NOTHING would not):
    // a second recomputation of the same organisation waits here and, under READ COMMITTED, then reads the rows the
    // first one committed.
    private const string LockSql = """
        INSERT INTO trust_scores (org, score, computed_at) VALUES (@Org, @WithoutRecord, @At)
        ON CONFLICT (org) DO UPDATE SET org = EXCLUDED.org
        RETURNING score
        """;

    private const string UpdateSql = "UPDATE trust_scores SET score = @Score, computed_at = @At WHERE org = @Org";

    private sealed class ShipmentRecord
    {
        public Guid Id { get; init; }
        public string ShipperOrg { get; init; } = "";
        public string[] CarrierOrgs { get; init; } = [];
        public string Status { get; init; } = "";
        public DateTime BookedAt { get; init; }
        public DateTime? DeliveredAt { get; init; }
        public string LegsJson { get; init; } = "[]";
    }

    private sealed class RatingRecord
    {
        public Guid ShipmentId { get; init; }
        public string RaterOrg { get; init; } = "";
        public string RateeOrg { get; init; } = "";
        public int Stars { get; init; }
    }

    public static async Task<TrustReport> Load(NpgsqlConnection connection, NpgsqlTransaction? tx, string org)
    {
        var shipments = await connection.QueryAsync<ShipmentRecord>(ShipmentsSql, new { Org = org }, tx);
        var ratings = await connection.QueryAsync<RatingRecord>(RatingsSql, new { Org = org }, tx);
        return TrustScore.Compute(org,
            shipments.Select(s => new TrustShipment(s.Id, s.ShipperOrg, s.CarrierOrgs, s.Status, ShipmentRow.Utc(s.BookedAt),
                s.DeliveredAt is { } d ? ShipmentRow.Utc(d) : null,
                Legs.FromJson(s.LegsJson).Select(l => new TrustLeg(l.Carrier, l.PlannedDeparture, l.PlannedArrival,
                    l.ActualDeparture, l.ActualArrival)).ToList())),
            ratings.Select(r => new TrustRating(r.ShipmentId, r.RaterOrg, r.RateeOrg, r.Stars)));
    }

    /// <summary>Recomputes the organisations' scores inside the change's transaction; enqueues those that moved.</summary>
    public static async Task Refresh(OutboxTransaction work, IEnumerable<string> orgs, DateTimeOffset at)
    {
        var (connection, tx) = work;
        // Always in the same order, so two transactions refreshing overlapping parties cannot deadlock.
        foreach (var org in orgs.Distinct().Order(StringComparer.Ordinal))
        {
            var previous = await connection.ExecuteScalarAsync<int>(LockSql,
                new { Org = org, TrustScoreChanged.WithoutRecord, At = at }, tx);
            var report = await Load(connection, tx, org);
            if (report.Score == previous) continue;
            await connection.ExecuteAsync(UpdateSql, new { Org = org, report.Score, At = at }, tx);
            await work.Enqueue(new TrustScoreChanged
            {
                Org = org, Score = report.Score, PreviousScore = previous, Shipments = report.Shipments, ChangedAt = at,
            });
        }
    }
}
