using FluentValidation;
using TradeHub.Hosting.Corridors;

namespace TradeHub.Tenders.Tenders;

/// <summary>Containers as the API carries them: {"count": 2, "type": "40HC"}.</summary>
public sealed record Containers(int? Count, string? Type);

/// <summary>POST /api/tenders; minTrustScore (0-100) takes bids only from carriers whose trust score reaches it.</summary>
public sealed record CreateTender(
    string? Title, DateTimeOffset? ClosesAt, IReadOnlyList<TenderLaneRequest>? Lanes, int? MaxCarriers, int? MinTrustScore = null);

public sealed record TenderLaneRequest(
    string? Ref, string? Origin, string? Destination, string? Mode, Containers? Containers, DateOnly? From, DateOnly? To);

/// <summary>
/// POST /api/tenders/{id}/bids: packages of lanes, groups of package refs of which at most one may win, and a cap.
/// Named apart from Listings' PlaceBid because the merged API document holds one schema per name.
/// </summary>
public sealed record PlaceTenderBid(IReadOnlyList<BidPackage>? Packages, IReadOnlyList<IReadOnlyList<string>>? Exclusive, int? MaxContainers);

/// <summary>An all-or-nothing package: the carrier carries every lane of it or none.</summary>
public sealed record BidPackage(string? Ref, IReadOnlyList<BidPackageLane>? Lanes);

public sealed record BidPackageLane(string? Ref, decimal? PricePerContainer);

/// <summary>Facts about freight the tender checks, as Listings checks them.</summary>
public static class Freight
{
    public static readonly string[] Modes = ["rail", "road", "sea", "ferry"];
    public static readonly string[] ContainerTypes = ["20GP", "40GP", "40HC", "20RF", "40RF"];
    public const int MaxContainers = 500;
    public const decimal MaxPrice = 100_000_000m;
    public const int MaxPackages = 500;
    /// <summary>The currency of tender prices (the contract's pricePerContainer is a bare number).</summary>
    public const string Currency = "USD";
}

public sealed class CreateTenderValidator : AbstractValidator<CreateTender>
{
    public CreateTenderValidator(KnownNodes nodes, TimeProvider clock, TendersOptions options)
    {
        RuleFor(r => r.Title).NotEmpty().MaximumLength(200);
        RuleFor(r => r.ClosesAt).NotNull()
            .Must(c => c is null || c > clock.GetUtcNow()).WithMessage("'closesAt' must be in the future.");
        RuleFor(r => r.MaxCarriers).InclusiveBetween(1, 1000);
        RuleFor(r => r.MinTrustScore).InclusiveBetween(0, 100).WithMessage("'minTrustScore' must be from 0 to 100.");
        RuleFor(r => r.Lanes).NotEmpty()
            .Must(l => l is null || l.Count <= options.MaxLanes).WithMessage($"'lanes' must have at most {options.MaxLanes} lanes.")
            .Must(l => l is null || l.Select(x => x?.Ref).Distinct(StringComparer.Ordinal).Count() == l.Count)
            .WithMessage("Every lane's 'ref' must be unique within the tender.");
        RuleForEach(r => r.Lanes).NotNull().ChildRules(lane =>
        {
            lane.RuleFor(l => l.Ref).NotEmpty().MaximumLength(64);
            lane.RuleFor(l => l.Origin).NotEmpty().Must(n => n is null || nodes.Contains(n))
                .WithMessage("'{PropertyName}' is not a node of the route network (use a UN/LOCODE such as CNTSN).");
            lane.RuleFor(l => l.Destination).NotEmpty().Must(n => n is null || nodes.Contains(n))
                .WithMessage("'{PropertyName}' is not a node of the route network (use a UN/LOCODE such as CNTSN).")
                .NotEqual(l => l.Origin).WithMessage("'destination' must differ from 'origin'.");
            lane.RuleFor(l => l.Mode).Must(m => m is null || Freight.Modes.Contains(m))
                .WithMessage("'{PropertyName}' must be one of rail, road, sea, ferry.");
            lane.RuleFor(l => l.Containers).NotNull();
            lane.RuleFor(l => l.Containers!.Count).NotNull().InclusiveBetween(1, Freight.MaxContainers)
                .When(l => l.Containers is not null).OverridePropertyName("containers.count");
            lane.RuleFor(l => l.Containers!.Type).NotEmpty().Must(t => t is null || Freight.ContainerTypes.Contains(t))
                .WithMessage("'{PropertyName}' must be one of 20GP, 40GP, 40HC, 20RF, 40RF.")
                .When(l => l.Containers is not null).OverridePropertyName("containers.type");
            lane.RuleFor(l => l.From).NotNull();
            lane.RuleFor(l => l.To).NotNull().GreaterThanOrEqualTo(l => l.From).When(l => l.From is not null)
                .WithMessage("'to' must not be before 'from'.");
        });
    }
}

public sealed class PlaceTenderBidValidator : AbstractValidator<PlaceTenderBid>
{
    public PlaceTenderBidValidator()
    {
        RuleFor(r => r.Packages).NotEmpty()
            .Must(p => p is null || p.Count <= Freight.MaxPackages)
            .WithMessage($"'packages' must have at most {Freight.MaxPackages} packages.");
        RuleFor(r => r.MaxContainers).InclusiveBetween(1, 100_000);
        RuleForEach(r => r.Packages).NotNull().ChildRules(package =>
        {
            package.RuleFor(p => p.Ref).NotEmpty().MaximumLength(64);
            package.RuleFor(p => p.Lanes).NotEmpty()
                .Must(l => l is null || l.Count <= 300).WithMessage("'lanes' must have at most 300 lanes.");
            package.RuleForEach(p => p.Lanes).NotNull().ChildRules(lane =>
            {
                lane.RuleFor(l => l.Ref).NotEmpty().MaximumLength(64);
                lane.RuleFor(l => l.PricePerContainer).NotNull().GreaterThan(0).LessThanOrEqualTo(Freight.MaxPrice)
                    .PrecisionScale(14, 2, true);
            });
        });
        RuleFor(r => r.Exclusive).Must(e => e is null || e.Count <= Freight.MaxPackages)
            .WithMessage($"'exclusive' must have at most {Freight.MaxPackages} groups.");
        RuleForEach(r => r.Exclusive).NotNull().Must(g => g is null || (g.Count >= 2 && g.All(x => !string.IsNullOrEmpty(x))))
            .WithMessage("Each exclusive group must name at least two package refs.");
    }
}

/// <summary>
/// The checks that need the tender: every lane a package names is one of its lanes, package refs are unique, and
/// no package is in two exclusive groups (overlapping groups would make "one of each group" ambiguous).
/// </summary>
public static class BidRules
{
    public static Dictionary<string, string[]> Check(PlaceTenderBid bid, IReadOnlySet<string> laneRefs)
    {
        var errors = new Dictionary<string, string[]>();
        var packages = bid.Packages!;
        var refs = new HashSet<string>(StringComparer.Ordinal);
        for (var p = 0; p < packages.Count; p++)
        {
            if (!refs.Add(packages[p].Ref!))
                errors.TryAdd($"packages[{p}].ref", [$"Package ref '{packages[p].Ref}' is used twice."]);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var lanes = packages[p].Lanes!;
            for (var l = 0; l < lanes.Count; l++)
            {
                if (!laneRefs.Contains(lanes[l].Ref!))
                    errors.TryAdd($"packages[{p}].lanes[{l}].ref", [$"'{lanes[l].Ref}' is not a lane of this tender."]);
                else if (!seen.Add(lanes[l].Ref!))
                    errors.TryAdd($"packages[{p}].lanes[{l}].ref", [$"Lane '{lanes[l].Ref}' appears twice in the package."]);
            }
        }
        var grouped = new Dictionary<string, int>(StringComparer.Ordinal);
        var groups = bid.Exclusive ?? [];
        for (var g = 0; g < groups.Count; g++)
            foreach (var member in groups[g])
            {
                if (!refs.Contains(member))
                    errors.TryAdd($"exclusive[{g}]", [$"'{member}' is not a package of this bid."]);
                else if (grouped.TryGetValue(member, out var other) && other != g)
                    errors.TryAdd($"exclusive[{g}]", [$"Package '{member}' is already in exclusive group {other}: groups must not overlap."]);
                else grouped[member] = g;
            }
        return errors;
    }
}
