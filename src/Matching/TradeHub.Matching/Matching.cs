using TradeHub.Matching.Flows;
using MassTransit;
using TradeHub.Matching.CargoMatching;
using Microsoft.Extensions.DependencyInjection.Extensions;
using TradeHub.Matching.Consumers;
using TradeHub.Matching.Matches;
using TradeHub.Matching.Offers;

namespace TradeHub.Matching;

public static class MatchingSetup
{
    /// <summary>The consumers of every event Matching projects.</summary>
    public static void AddMatchingConsumers(this IBusRegistrationConfigurator x)
    {
        x.AddConsumer<CargoOfferPostedConsumer>();
        x.AddConsumer<CargoOfferWithdrawnConsumer>();
        x.AddConsumer<CargoRoutesComputedConsumer>();
        x.AddConsumer<BidAwardedConsumer>();
        x.AddConsumer<CargoOfferPooledConsumer>();
        x.AddConsumer<CargoOfferUnpooledConsumer>();
        x.AddConsumer<CapacityOfferPostedConsumer>();
        x.AddConsumer<CapacityOfferWithdrawnConsumer>();
        x.AddConsumer<TradeOfferPostedConsumer>();
        x.AddConsumer<TradeOfferWithdrawnConsumer>();
        x.AddConsumer<LogisticsCostTableComputedConsumer>();
        x.AddConsumer<TrustScoreChangedConsumer>();
        x.AddConsumer<ShipmentBookedConsumer>();
        x.AddConsumer<ShipmentDeliveredConsumer>();
    }

    /// <summary>Matching rules (section Matching) and the in-memory index of open offers, loaded at start-up.</summary>
    public static WebApplicationBuilder AddMatching(this WebApplicationBuilder builder)
    {
        var rules = builder.Configuration.GetSection("Matching").Get<MatchingRules>() ?? new MatchingRules();
        builder.Services.AddSingleton(rules);
        builder.Services.AddSingleton<OpenOffers>();
        builder.Services.AddSingleton<MatchingTurn>();
        builder.Services.AddHostedService<OpenOffersRefresh>();
        builder.Services.AddHostedService<LogisticsTableRequest>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddHostedService<ProposalExpiry>();
        return builder;
    }
}
