using FluentValidation;
using TradeHub.Listings.Common;

namespace TradeHub.Listings.TradeOffers;

/// <summary>The filters of the trade offer list; hsCode filters by leading digits (a chapter, heading or code).</summary>
public sealed record TradeOfferQuery(
    string? Side, string? HsCode, string? City, string? Status, int? Limit, string? Cursor) : IOfferQuery;

public sealed class TradeOfferQueryValidator : AbstractValidator<TradeOfferQuery>
{
    public TradeOfferQueryValidator()
    {
        Include(new OfferQueryRules<TradeOfferQuery>());
        RuleFor(q => q.HsCode).Matches("^[0-9]{2,6}$").WithMessage("'hsCode' filters by 2 to 6 leading digits.");
    }
}
