using TradeHub.Hosting.Messaging;
using TradeHub.Listings.Common;

namespace TradeHub.Listings.CapacityOffers;

/// <summary>The SQL of the capacity_offers table.</summary>
internal static class CapacityOfferSql
{
    public const string Columns = """
        id AS Id, carrier_org AS CarrierOrg, from_node AS FromNode, to_node AS ToNode, mode AS Mode,
        departure_from AS DepartureFrom, departure_to AS DepartureTo, container_count AS ContainerCount,
        container_type AS ContainerType, containers_left AS ContainersLeft,
        price_per_container_amount AS PricePerContainerAmount, price_currency AS PriceCurrency,
        transit_days AS TransitDays, status AS Status, created_at AS CreatedAt, reserved_for AS ReservedFor
        """;

    public const string Insert = """
        INSERT INTO capacity_offers (id, carrier_org, from_node, to_node, mode, departure_from, departure_to, container_count,
            container_type, containers_left, price_per_container_amount, price_currency, transit_days, created_at)
        VALUES (@Id, @CarrierOrg, @FromNode, @ToNode, @Mode, @DepartureFrom, @DepartureTo, @ContainerCount,
            @ContainerType, @ContainersLeft, @PricePerContainerAmount, @PriceCurrency, @TransitDays, @CreatedAt)
        """;

    /// <summary>The offer and its CapacityOfferPosted in one round trip.</summary>
    public static readonly string InsertPosted = Outbox.WithEvent(Insert);

    public const string ById = $"SELECT {Columns} FROM capacity_offers WHERE id = @Id";

    public const string List = $"""
        SELECT {Columns} FROM capacity_offers
        WHERE (@From::text IS NULL OR from_node = @From) AND (@To::text IS NULL OR to_node = @To)
          AND (@Mode::text IS NULL OR mode = @Mode) AND (@Status::text IS NULL OR status = @Status)
          AND (reserved_for IS NULL OR reserved_for = @Org OR carrier_org = @Org)
          AND (@After::uuid IS NULL OR id < @After)
        ORDER BY id DESC LIMIT @Take
        """;

    public const string SetWithdrawn = $"UPDATE capacity_offers SET status = '{OfferStatus.Withdrawn}' WHERE id = @Id";

    public static readonly OfferTable Table = new("capacity offer", ById, SetWithdrawn);
}

/// <summary>A capacity_offers row.</summary>
internal sealed record CapacityOfferRow(
    Guid Id, string CarrierOrg, string FromNode, string ToNode, string Mode, DateOnly DepartureFrom, DateOnly DepartureTo,
    int ContainerCount, string ContainerType, int ContainersLeft, decimal PricePerContainerAmount, string PriceCurrency,
    int TransitDays, string Status, DateTime CreatedAt, string? ReservedFor = null) : IOfferRow
{
    string IOfferRow.Owner => CarrierOrg;

    /// <summary>Capacity a tender reserved for a shipper is that shipper's and the carrier's business only.</summary>
    public bool VisibleTo(string? org) => ReservedFor is null || ReservedFor == org || CarrierOrg == org;

    public CapacityOfferView View() => new(Id, CarrierOrg, FromNode, ToNode, Mode, DepartureFrom, DepartureTo,
        new Containers(ContainerCount, ContainerType), ContainersLeft, new Money(PricePerContainerAmount, PriceCurrency),
        TransitDays, Status, CreatedAt, ReservedFor);
}
