using FluentValidation;
using TradeHub.Pools.Packing;
using TradeHub.Hosting.Corridors;

namespace TradeHub.Pools.Pools;

/// <summary>Money as the API carries it: {"amount": 2350.00, "currency": "USD"}.</summary>
public sealed record Money(decimal? Amount, string? Currency);

/// <summary>POST /api/pools: a departure for SMEs to fill.</summary>
public sealed record OpenPool(
    string? From, string? To, DateOnly? DepartureDate, DateTimeOffset? Cutoff, int? MinContainers, int? MaxContainers,
    string? ContainerType, Money? PricePerContainerAtMin, Money? PricePerContainerAtMax, bool? AcceptsHazardous);

/// <summary>POST /api/pools/{id}/members: a cargo offer of full containers, or loose cargo (weight, volume, HS code).</summary>
public sealed record JoinPool(
    Guid? CargoOfferId, decimal? WeightKg, decimal? VolumeM3, string? HsCode, string? Description, bool? Hazardous);

internal static class PoolRules
{
    public const int MaxContainers = 200;
    public const decimal MaxPrice = 100_000_000m;

    public static readonly IReadOnlySet<string> Currencies = new HashSet<string>
    {
        "USD", "EUR", "CNY", "RUB", "KZT", "UZS", "BYN", "KGS", "TJS", "INR", "PKR", "IRR", "AZN", "GEL", "TRY",
        "MNT", "TMT", "AMD", "PLN", "GBP", "JPY", "KRW", "AED", "CHF", "HKD", "SGD",
    };

}

public sealed class OpenPoolValidator : AbstractValidator<OpenPool>
{
    public OpenPoolValidator(KnownNodes nodes, TimeProvider clock, PoolsOptions options)
    {
        RuleFor(r => r.From).KnownNode(nodes);
        RuleFor(r => r.To).KnownNode(nodes).NotEqual(r => r.From).WithMessage("'to' must differ from 'from'.");
        RuleFor(r => r.Cutoff).NotNull().Must(c => c is null || c > clock.GetUtcNow())
            .WithMessage("'cutoff' must be in the future.");
        RuleFor(r => r.DepartureDate).NotNull()
            .Must((r, d) => d is null || r.Cutoff is null || DateOnly.FromDateTime(r.Cutoff.Value.UtcDateTime) <= d)
            .WithMessage("'departureDate' must not be before the cut-off's date.")
            .Must(d => d is null || d <= DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).AddYears(1))
            .WithMessage("'departureDate' must be within a year.");
        RuleFor(r => r.MinContainers).NotNull().InclusiveBetween(1, PoolRules.MaxContainers);
        RuleFor(r => r.MaxContainers).NotNull().InclusiveBetween(1, PoolRules.MaxContainers)
            .GreaterThanOrEqualTo(r => r.MinContainers).When(r => r.MinContainers is not null)
            .WithMessage("'maxContainers' must not be less than 'minContainers'.");
        RuleFor(r => r.ContainerType).NotEmpty().Must(t => t is null || options.Loading.Containers.ContainsKey(t))
            .WithMessage("'containerType' must be one of 20GP, 40GP, 40HC, 20RF, 40RF.");
        RuleFor(r => r.PricePerContainerAtMin).NotNull().SetValidator(new MoneyValidator()!);
        RuleFor(r => r.PricePerContainerAtMax).NotNull().SetValidator(new MoneyValidator()!);
        RuleFor(r => r.PricePerContainerAtMax)
            .Must((r, p) => p!.Amount <= r.PricePerContainerAtMin!.Amount)
            .WithMessage("'pricePerContainerAtMax' must not exceed 'pricePerContainerAtMin': the price falls as the train fills.")
            .Must((r, p) => p!.Currency == r.PricePerContainerAtMin!.Currency)
            .WithMessage("'pricePerContainerAtMax' must be in the currency of 'pricePerContainerAtMin'.")
            .When(r => r.PricePerContainerAtMin is { Amount: not null, Currency: not null } && r.PricePerContainerAtMax is { Amount: not null, Currency: not null });
    }

    private sealed class MoneyValidator : AbstractValidator<Money>
    {
        public MoneyValidator()
        {
            RuleFor(m => m.Amount).NotNull().GreaterThan(0).LessThanOrEqualTo(PoolRules.MaxPrice).PrecisionScale(14, 2, true);
            RuleFor(m => m.Currency).NotEmpty().Must(c => c is null || PoolRules.Currencies.Contains(c))
                .WithMessage("'{PropertyName}' must be an ISO 4217 currency code such as USD, EUR or CNY.");
        }
    }
}

public sealed class JoinPoolValidator : AbstractValidator<JoinPool>
{
    public JoinPoolValidator()
    {
        When(r => r.CargoOfferId is not null, () =>
        {
            RuleFor(r => r.WeightKg).Null().WithMessage("'weightKg' is for loose cargo: give either 'cargoOfferId' or loose cargo, not both.");
            RuleFor(r => r.VolumeM3).Null().WithMessage("'volumeM3' is for loose cargo: give either 'cargoOfferId' or loose cargo, not both.");
            RuleFor(r => r.CargoOfferId).NotEqual(Guid.Empty);
        }).Otherwise(() =>
        {
            RuleFor(r => r.WeightKg).NotNull().WithMessage("'weightKg' is required for loose cargo (or give 'cargoOfferId').")
                .GreaterThan(0).LessThanOrEqualTo(1_000_000m).PrecisionScale(14, 2, true);
            RuleFor(r => r.VolumeM3).NotNull().WithMessage("'volumeM3' is required for loose cargo (or give 'cargoOfferId').")
                .GreaterThan(0).LessThanOrEqualTo(10_000m).PrecisionScale(10, 3, true);
            RuleFor(r => r.HsCode).NotEmpty().WithMessage("'hsCode' is required for loose cargo.");
        });
        RuleFor(r => r.HsCode).Matches("^[0-9]{6}$").WithMessage("'hsCode' must be a 6-digit HS code.");
        RuleFor(r => r.Description).MaximumLength(2000);
    }
}
