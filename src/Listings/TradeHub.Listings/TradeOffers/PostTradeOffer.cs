using FluentValidation;
using TradeHub.Listings.Common;
using TradeHub.Hosting.Corridors;

namespace TradeHub.Listings.TradeOffers;

/// <summary>Goods to sell or to buy, priced per unit under an Incoterm at a city of the network.</summary>
public sealed record PostTradeOffer(
    string? Side, string? HsCode, string? Product, decimal? Quantity, string? Unit, Money? UnitPrice, string? Incoterm,
    string? City, DateOnly? ValidUntil);

public sealed class PostTradeOfferValidator : AbstractValidator<PostTradeOffer>
{
    /// <summary>Incoterms 2020.</summary>
    public static readonly string[] Incoterms = ["EXW", "FCA", "CPT", "CIP", "DAP", "DPU", "DDP", "FAS", "FOB", "CFR", "CIF"];
    public static readonly string[] Units = ["kg", "t", "pcs", "m3", "l", "bales", "pallets", "containers"];

    public PostTradeOfferValidator(KnownNodes nodes, TimeProvider clock)
    {
        RuleFor(r => r.Side).NotEmpty().Must(s => s is null or "sell" or "buy").WithMessage("'side' must be sell or buy.");
        RuleFor(r => r.HsCode).NotEmpty().Matches("^[0-9]{6}$").WithMessage("'hsCode' must be a 6-digit HS code.");
        RuleFor(r => r.Product).NotEmpty().MaximumLength(200);
        RuleFor(r => r.Quantity).NotNull().GreaterThan(0).LessThanOrEqualTo(1_000_000_000m);
        RuleFor(r => r.Unit).NotEmpty().Must(u => u is null || Units.Contains(u))
            .WithMessage($"'unit' must be one of {string.Join(", ", Units)}.");
        RuleFor(r => r.UnitPrice).ValidMoney();
        RuleFor(r => r.Incoterm).NotEmpty().Must(i => i is null || Incoterms.Contains(i))
            .WithMessage("'incoterm' must be an Incoterms 2020 rule (EXW, FCA, CPT, CIP, DAP, DPU, DDP, FAS, FOB, CFR, CIF).");
        RuleFor(r => r.City).KnownNode(nodes);
        RuleFor(r => r.ValidUntil).NotInThePast(clock)
            .Must(d => d is null || d <= Freight.Today(clock).AddYears(1)).WithMessage("'validUntil' must be within a year.");
    }
}
