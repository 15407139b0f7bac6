using System.Text.Json;
using TradeHub.Matching.Contracts;
using TradeHub.Matching.Offers;
using TradeHub.Shipments.Contracts;

namespace TradeHub.Matching.Matches;

/// <summary>A stored match.</summary>
public sealed class MatchRow
{
    public const string Columns = """
        id AS Id, kind AS Kind, status AS Status, score AS Score, explanation AS Explanation, offer_ids AS OfferIds,
        party_orgs AS PartyOrgs, accepted_by AS AcceptedBy, legs::text AS Legs, route_id AS RouteId, route_summary AS RouteSummary,
        price_amount AS PriceAmount, price_currency AS PriceCurrency, origin AS Origin, destination AS Destination,
        corridor AS Corridor, mode AS Mode, hs_code AS HsCode, containers AS Containers, weight_kg AS WeightKg,
        decline_reason AS DeclineReason, proposed_at AS ProposedAt, owner_score AS OwnerScore, owner_notes AS OwnerNotes
        """;

    public Guid Id { get; init; }
    public string Kind { get; init; } = "";
    public string Status { get; init; } = "";
    public double Score { get; init; }
    public string[] Explanation { get; init; } = [];
    public Guid[] OfferIds { get; init; } = [];
    public string[] PartyOrgs { get; init; } = [];
    public string[] AcceptedBy { get; init; } = [];
    public string Legs { get; init; } = "[]";
    public string? RouteId { get; init; }
    public string? RouteSummary { get; init; }
    public decimal? PriceAmount { get; init; }
    public string? PriceCurrency { get; init; }
    public string Origin { get; init; } = "";
    public string Destination { get; init; } = "";
    public string Corridor { get; init; } = "";
    public string Mode { get; init; } = "";
    public string? HsCode { get; init; }
    public int Containers { get; init; }
    public decimal WeightKg { get; init; }
    public string? DeclineReason { get; init; }
    public DateTime ProposedAt { get; init; }
    public double? OwnerScore { get; init; }
    public string[] OwnerNotes { get; init; } = [];

    public IReadOnlyList<MatchedLeg> MatchedLegs => JsonSerializer.Deserialize<List<MatchedLeg>>(Legs, OpenOffers.Json) ?? [];

    /// <summary>
    /// The match as the organisation <paramref name="viewer"/> sees it: the first party also gets its own notes; each
    /// carrier of a cargo-capacity match with its trust score from <paramref name="trust"/> (none known: the score
    /// without a record).
    /// </summary>
    public MatchView View(string viewer, IReadOnlyDictionary<string, int>? trust = null)
    {
        var legs = MatchedLegs;
        var owner = PartyOrgs.Length > 0 && PartyOrgs[0] == viewer;
        return new MatchView(Id, Kind, Status, owner ? OwnerScore ?? Score : Score,
            owner && OwnerNotes.Length > 0 ? [.. Explanation, .. OwnerNotes] : Explanation, OfferIds,
            RouteSummary is null ? null : new MatchRouteView(RouteId, RouteSummary),
            Kind == MatchKinds.CargoCapacity
                ? legs.Select(l => new MatchLegView(l.CapacityOfferId, l.From, l.To, l.Mode, l.CarrierOrg, l.Containers,
                    trust?.GetValueOrDefault(l.CarrierOrg, TrustScoreChanged.WithoutRecord))).ToList()
                : null,
            PriceAmount is { } amount && PriceCurrency is { } currency ? new MatchPrice(amount, currency) : null,
            PartyOrgs, AcceptedBy, DeclineReason, new DateTimeOffset(DateTime.SpecifyKind(ProposedAt, DateTimeKind.Utc)));
    }
}

/// <summary>A match as its parties see it.</summary>
public sealed record MatchView(
    Guid Id, string Kind, string Status, double Score, IReadOnlyList<string> Explanation, IReadOnlyList<Guid> Offers,
    MatchRouteView? Route, IReadOnlyList<MatchLegView>? Legs, MatchPrice? Price, IReadOnlyList<string> Parties,
    IReadOnlyList<string> AcceptedBy, string? DeclineReason, DateTimeOffset ProposedAt);

/// <summary>The route a match travels: the route option's id (cargo) and a readable summary.</summary>
public sealed record MatchRouteView(string? Id, string Summary);

/// <summary>
/// One carrier's part of a cargo-capacity match, with the carrier's trust score (docs/trust.md) where the match is
/// read (list and get; the answer to an accept or decline leaves it out).
/// </summary>
public sealed record MatchLegView(
    Guid CapacityOfferId, string From, string To, string Mode, string Carrier, int Containers, int? CarrierTrustScore);

/// <summary>An amount of money; for cargo the total carriage, for trade the landed cost per unit.</summary>
public sealed record MatchPrice(decimal Amount, string Currency);
