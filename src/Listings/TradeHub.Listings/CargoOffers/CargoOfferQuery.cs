using FluentValidation;
using TradeHub.Listings.Common;

namespace TradeHub.Listings.CargoOffers;

/// <summary>The filters of the cargo offer list; mine=true narrows it to the caller's own organisation.</summary>
public sealed record CargoOfferQuery(
    string? Origin, string? Destination, string? Status, bool? Mine, int? Limit, string? Cursor) : IOfferQuery;

public sealed class CargoOfferQueryValidator : AbstractValidator<CargoOfferQuery>
{
    public CargoOfferQueryValidator() => Include(new OfferQueryRules<CargoOfferQuery>());
}
