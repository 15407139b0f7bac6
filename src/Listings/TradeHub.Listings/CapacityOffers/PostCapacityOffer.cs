using FluentValidation;
using TradeHub.Listings.Common;
using TradeHub.Hosting.Corridors;

namespace TradeHub.Listings.CapacityOffers;

/// <summary>Space for containers on a lane (from -> to by one mode) departing within a window.</summary>
public sealed record PostCapacityOffer(
    string? From, string? To, string? Mode, DateOnly? DepartureFrom, DateOnly? DepartureTo, Containers? Containers,
    Money? PricePerContainer, int? TransitDays);

public sealed class PostCapacityOfferValidator : AbstractValidator<PostCapacityOffer>
{
    public PostCapacityOfferValidator(KnownNodes nodes, TimeProvider clock)
    {
        RuleFor(r => r.From).KnownNode(nodes);
        RuleFor(r => r.To).KnownNode(nodes).NotEqual(r => r.From).WithMessage("'to' must differ from 'from'.");
        RuleFor(r => r.Mode).NotEmpty().Must(m => m is null || Freight.Modes.Contains(m))
            .WithMessage("'mode' must be one of rail, road, sea, ferry.");
        RuleFor(r => r.DepartureFrom).NotInThePast(clock);
        RuleFor(r => r.DepartureTo).NotNull()
            .GreaterThanOrEqualTo(r => r.DepartureFrom).When(r => r.DepartureFrom is not null)
            .WithMessage("'departureTo' must not be before 'departureFrom'.");
        RuleFor(r => r.Containers).ValidContainers();
        RuleFor(r => r.PricePerContainer).ValidMoney();
        RuleFor(r => r.TransitDays).NotNull().InclusiveBetween(1, 120);
    }
}
