using TradeHub.Hosting.Messaging;
using TradeHub.Listings.Common;

namespace TradeHub.Listings.CargoOffers;

/// <summary>The SQL of the cargo_offers table.</summary>
internal static class CargoOfferSql
{
    public const string Columns = """
        id AS Id, owner_org AS OwnerOrg, origin AS Origin, destination AS Destination, ready_date AS ReadyDate,
        deliver_by AS DeliverBy, container_count AS ContainerCount, container_type AS ContainerType,
        weight_kg AS WeightKg, hs_code AS HsCode, description AS Description, hazardous AS Hazardous,
        target_price_amount AS TargetPriceAmount, target_price_currency AS TargetPriceCurrency,
        status AS Status, created_at AS CreatedAt, min_trust_score AS MinTrustScore
        """;

    public const string Insert = """
        INSERT INTO cargo_offers (id, owner_org, origin, destination, ready_date, deliver_by, container_count,
            container_type, weight_kg, hs_code, description, hazardous, target_price_amount, target_price_currency, created_at,
            min_trust_score)
        VALUES (@Id, @OwnerOrg, @Origin, @Destination, @ReadyDate, @DeliverBy, @ContainerCount,
            @ContainerType, @WeightKg, @HsCode, @Description, @Hazardous, @TargetPriceAmount, @TargetPriceCurrency, @CreatedAt,
            @MinTrustScore)
        """;

    /// <summary>The offer and its CargoOfferPosted in one round trip.</summary>
    public static readonly string InsertPosted = Outbox.WithEvent(Insert);

    public const string ById = $"SELECT {Columns} FROM cargo_offers WHERE id = @Id";

    public const string ByIdForUpdate = $"{ById} FOR UPDATE";

    public const string List = $"""
        SELECT {Columns} FROM cargo_offers
        WHERE (@Origin::text IS NULL OR origin = @Origin)
          AND (@Destination::text IS NULL OR destination = @Destination)
          AND (@Status::text IS NULL OR status = @Status)
          AND (@Owner::text IS NULL OR owner_org = @Owner)
          AND (@After::uuid IS NULL OR id < @After)
        ORDER BY id DESC
        LIMIT @Take
        """;

    public const string SetStatus = "UPDATE cargo_offers SET status = @Status, updated_at = now() WHERE id = @Id";

    public const string SetWithdrawn =
        $"UPDATE cargo_offers SET status = '{OfferStatus.Withdrawn}', updated_at = now() WHERE id = @Id";

    public static readonly OfferTable Table = new("cargo offer", ById, SetWithdrawn);
}

/// <summary>A cargo_offers row.</summary>
internal sealed record CargoOfferRow(
    Guid Id, string OwnerOrg, string Origin, string Destination, DateOnly ReadyDate, DateOnly DeliverBy,
    int ContainerCount, string ContainerType, decimal WeightKg, string? HsCode, string? Description, bool Hazardous,
    decimal? TargetPriceAmount, string? TargetPriceCurrency, string Status, DateTime CreatedAt, int? MinTrustScore) : IOfferRow
{
    string IOfferRow.Owner => OwnerOrg;
}
