using FluentValidation;
using TradeHub.Listings.Common;
using TradeHub.Hosting.Corridors;

namespace TradeHub.Listings.CargoOffers;

/// <summary>
/// A shipment to move: two 40' containers Tianjin to Tashkent, ready on a date, to arrive by another; optionally only
/// for carriers whose trust score (docs/trust.md) reaches a minimum.
/// </summary>
public sealed record PostCargoOffer(
    string? Origin, string? Destination, DateOnly? ReadyDate, DateOnly? DeliverBy, Containers? Containers,
    decimal? WeightKg, string? HsCode, string? Description, bool? Hazardous, Money? TargetPrice, int? MinTrustScore = null);

public sealed class PostCargoOfferValidator : AbstractValidator<PostCargoOffer>
{
    public PostCargoOfferValidator(KnownNodes nodes, TimeProvider clock)
    {
        RuleFor(r => r.Origin).KnownNode(nodes);
        RuleFor(r => r.Destination).KnownNode(nodes)
            .NotEqual(r => r.Origin).WithMessage("'destination' must differ from 'origin'.");
        RuleFor(r => r.ReadyDate).NotInThePast(clock);
        RuleFor(r => r.DeliverBy).NotNull()
            .GreaterThanOrEqualTo(r => r.ReadyDate).When(r => r.ReadyDate is not null)
            .WithMessage("'deliverBy' must not be before 'readyDate'.")
            .Must(d => d is null || d <= Freight.Today(clock).AddYears(2)).WithMessage("'deliverBy' must be within two years.");
        RuleFor(r => r.Containers).ValidContainers();
        RuleFor(r => r.WeightKg).NotNull().GreaterThan(0);
        RuleFor(r => r.WeightKg)
            .Must((r, w) => w <= r.Containers!.Count!.Value * Freight.MaxPayloadKg[r.Containers.Type!])
            .WithMessage(r => $"'weightKg' exceeds the payload of {r.Containers!.Count} x {r.Containers.Type} " +
                              $"({r.Containers.Count!.Value * Freight.MaxPayloadKg[r.Containers.Type!]:0} kg).")
            .When(r => r.WeightKg > 0 && r.Containers is { Count: > 0 and <= Freight.MaxContainers, Type: { } t } && Freight.MaxPayloadKg.ContainsKey(t));
        RuleFor(r => r.HsCode).Matches("^[0-9]{6}$").WithMessage("'hsCode' must be a 6-digit HS code.");
        RuleFor(r => r.Description).MaximumLength(2000);
        RuleFor(r => r.TargetPrice).ValidMoney().When(r => r.TargetPrice is not null);
        RuleFor(r => r.MinTrustScore).InclusiveBetween(0, 100).WithMessage("'minTrustScore' must be from 0 to 100.");
    }
}
