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
    /// <summary>
    /// The partition of cargo and capacity: every event that changes a cargo or capacity offer, one queue. Cargo matches
    /// capacity (chains of it), so the two kinds are one partition.
    /// </summary>
    public const string CargoCapacityQueue = "matching-cargo-capacity";

    /// <summary>The partition of trade offers and the logistics table (landed costs of every buyer).</summary>
    public const string TradeQueue = "matching-trade";

    /// <summary>Messages of a partition in flight in its active instance (the three busiest queues had 32 each before).</summary>
    public const int PartitionPrefetch = 96;

    /// <summary>
    /// The consumers of every event Matching projects, on one queue per partition. Each partition queue is a RabbitMQ
    /// single-active-consumer queue: every instance subscribes, the broker delivers to one of them at a time and moves
    /// to another when that one's connection goes (crash, shutdown, network). So all matching work of a partition
    /// runs in one process at a time, and that process owns the partition's index (Offers/Partitions.cs).
    /// </summary>
    public static void AddMatchingConsumers(this IBusRegistrationConfigurator x)
    {
        x.AddConsumer<CargoOfferWithdrawnConsumer>().Endpoint(e => e.Name = CargoCapacityQueue);
        x.AddConsumer<CargoRoutesComputedConsumer>().Endpoint(e => e.Name = CargoCapacityQueue);
        x.AddConsumer<BidAwardedConsumer>().Endpoint(e => e.Name = CargoCapacityQueue);
        x.AddConsumer<CargoOfferPooledConsumer>().Endpoint(e => e.Name = CargoCapacityQueue);
        x.AddConsumer<CargoOfferUnpooledConsumer>().Endpoint(e => e.Name = CargoCapacityQueue);
        x.AddConsumer<CapacityOfferPostedConsumer>().Endpoint(e => e.Name = CargoCapacityQueue);
        x.AddConsumer<CapacityOfferWithdrawnConsumer>().Endpoint(e => e.Name = CargoCapacityQueue);
        x.AddConsumer<TradeOfferPostedConsumer>().Endpoint(e => e.Name = TradeQueue);
        x.AddConsumer<TradeOfferWithdrawnConsumer>().Endpoint(e => e.Name = TradeQueue);
        x.AddConsumer<LogisticsCostTableComputedConsumer>().Endpoint(e => e.Name = TradeQueue);
        // Trust scores and shipments only feed the match and flow views, not what is proposed: their own
        // competing-consumer queues.
        x.AddConsumer<TrustScoreChangedConsumer>();
        x.AddConsumer<ShipmentBookedConsumer>();
        x.AddConsumer<ShipmentDeliveredConsumer>();
        x.AddConfigureEndpointsCallback((_, name, endpoint) =>
        {
            if (name is not (CargoCapacityQueue or TradeQueue)) return;
            endpoint.PrefetchCount = PartitionPrefetch;
            if (endpoint is IRabbitMqReceiveEndpointConfigurator rabbit) rabbit.SingleActiveConsumer = true;
        });
    }

    /// <summary>Matching rules (section Matching) and the in-memory index of open offers, loaded at start-up.</summary>
    public static WebApplicationBuilder AddMatching(this WebApplicationBuilder builder)
    {
        var rules = builder.Configuration.GetSection("Matching").Get<MatchingRules>() ?? new MatchingRules();
        builder.Services.AddSingleton(rules);
        builder.Services.AddSingleton<OpenOffers>();
        builder.Services.AddSingleton<Partitions>();
        builder.Services.AddHostedService<OpenOffersLoad>();
        builder.Services.AddHostedService<LogisticsTableRequest>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddHostedService<ProposalExpiry>();
        return builder;
    }
}
