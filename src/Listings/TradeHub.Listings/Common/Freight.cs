using FluentValidation;
using TradeHub.Hosting.Corridors;

namespace TradeHub.Listings.Common;

/// <summary>Money as the API carries it: {"amount": 2350.00, "currency": "USD"}.</summary>
public sealed record Money(decimal? Amount, string? Currency);

/// <summary>Containers as the API carries them: {"count": 2, "type": "40HC"}.</summary>
public sealed record Containers(int? Count, string? Type);

/// <summary>Facts about containers and money that every listing's validator checks.</summary>
public static class Freight
{
    /// <summary>Maximum payload per box in kg (ISO 668 gross limits less typical tare).</summary>
    public static readonly IReadOnlyDictionary<string, decimal> MaxPayloadKg = new Dictionary<string, decimal>
    {
        ["20GP"] = 28_200m,
        ["40GP"] = 26_700m,
        ["40HC"] = 26_500m,
        ["20RF"] = 27_400m,
        ["40RF"] = 29_000m,
    };

    public const int MaxContainers = 500;
    public const decimal MaxPrice = 100_000_000m;

    /// <summary>ISO 4217 codes of the currencies in trade along the corridor and the major settlement currencies.</summary>
    public static readonly IReadOnlySet<string> Currencies = new HashSet<string>
    {
        "USD", "EUR", "CNY", "RUB", "KZT", "UZS", "BYN", "KGS", "TJS", "INR", "PKR", "IRR", "AZN", "GEL", "TRY",
        "MNT", "TMT", "AMD", "PLN", "GBP", "JPY", "KRW", "AED", "CHF", "HKD", "SGD",
    };

    public static readonly string[] Modes = ["rail", "road", "sea", "ferry"];

    public static IRuleBuilderOptions<T, Containers?> ValidContainers<T>(this IRuleBuilder<T, Containers?> rule) =>
        rule.NotNull().SetValidator(new ContainersValidator()!);

    public static IRuleBuilderOptions<T, Money?> ValidMoney<T>(this IRuleBuilder<T, Money?> rule) =>
        rule.NotNull().SetValidator(new MoneyValidator()!);


    public static IRuleBuilderOptions<T, DateOnly?> NotInThePast<T>(this IRuleBuilder<T, DateOnly?> rule, TimeProvider clock) =>
        rule.NotNull().Must(d => d is null || d >= Today(clock)).WithMessage("'{PropertyName}' must not be in the past.");

    public static DateOnly Today(TimeProvider clock) => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    private sealed class ContainersValidator : AbstractValidator<Containers>
    {
        public ContainersValidator()
        {
            RuleFor(c => c.Count).NotNull().InclusiveBetween(1, MaxContainers);
            RuleFor(c => c.Type).NotEmpty().Must(t => t is null || MaxPayloadKg.ContainsKey(t))
                .WithMessage("'{PropertyName}' must be one of 20GP, 40GP, 40HC, 20RF, 40RF.");
        }
    }

    private sealed class MoneyValidator : AbstractValidator<Money>
    {
        public MoneyValidator()
        {
            RuleFor(m => m.Amount).NotNull().GreaterThan(0).LessThanOrEqualTo(MaxPrice).PrecisionScale(14, 2, true);
            RuleFor(m => m.Currency).NotEmpty().Must(c => c is null || Currencies.Contains(c))
                .WithMessage("'{PropertyName}' must be an ISO 4217 currency code such as USD, EUR or CNY.");
        }
    }
}
