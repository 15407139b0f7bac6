using FluentValidation;
using TradeHub.Listings.Common;

namespace TradeHub.Listings.CapacityOffers;

/// <summary>The filters of the capacity offer list.</summary>
public sealed record CapacityOfferQuery(
    string? From, string? To, string? Mode, string? Status, int? Limit, string? Cursor) : IOfferQuery;

public sealed class CapacityOfferQueryValidator : AbstractValidator<CapacityOfferQuery>
{
    public CapacityOfferQueryValidator() => Include(new OfferQueryRules<CapacityOfferQuery>());
}
