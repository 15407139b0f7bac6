using FluentValidation;
using TradeHub.Listings.Common;

namespace TradeHub.Listings.Bids;

/// <summary>A carrier's sealed bid on a cargo offer.</summary>
public sealed record PlaceBid(Money? Price, int? TransitDays, DateOnly? ValidUntil, string? RouteId, string? Note);

public sealed class PlaceBidValidator : AbstractValidator<PlaceBid>
{
    public PlaceBidValidator(TimeProvider clock)
    {
        RuleFor(b => b.Price).ValidMoney();
        RuleFor(b => b.TransitDays).NotNull().InclusiveBetween(1, 180);
        RuleFor(b => b.ValidUntil).NotInThePast(clock);
        RuleFor(b => b.RouteId).MaximumLength(100);
        RuleFor(b => b.Note).MaximumLength(2000);
    }
}

/// <summary>The paging of an offer's bid list.</summary>
public sealed record BidQuery(int? Limit, string? Cursor) : IPageQuery;

public sealed class BidQueryValidator : AbstractValidator<BidQuery>
{
    public BidQueryValidator() => Include(new PageQueryRules<BidQuery>());
}
