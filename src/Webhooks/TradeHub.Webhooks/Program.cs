using MassTransit;
using TradeHub.Hosting;
using TradeHub.Hosting.Database;
using TradeHub.Hosting.Messaging;
using TradeHub.Webhooks;
using TradeHub.Webhooks.Delivery;
using TradeHub.Webhooks.Events;
using TradeHub.Webhooks.Subscriptions;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("webhooks");
builder.AddDatabase();
builder.AddBus("webhooks", x =>
{
    var options = builder.Configuration.GetSection("Webhooks").Get<WebhooksOptions>() ?? new WebhooksOptions();
    void FanOut<TConsumer>() where TConsumer : class, IConsumer =>
        x.AddConsumer<TConsumer>(c => c.Options<BatchOptions>(o =>
            o.SetMessageLimit(options.FanOutBatchSize).SetTimeLimit(options.FanOutBatchWait)));
    FanOut<MatchProposedConsumer>();
    FanOut<MatchConfirmedConsumer>();
    FanOut<MatchExpiredConsumer>();
    FanOut<BidPlacedConsumer>();
    FanOut<BidAwardedConsumer>();
    FanOut<CargoRoutesComputedConsumer>();
    FanOut<ShipmentBookedConsumer>();
    FanOut<ShipmentEventRecordedConsumer>();
    FanOut<ShipmentEtaChangedConsumer>();
    FanOut<ShipmentDelayedConsumer>();
    FanOut<ShipmentExceptionConsumer>();
    FanOut<ShipmentDeliveredConsumer>();
    FanOut<PoolMemberJoinedConsumer>();
    FanOut<PoolCancelledConsumer>();
    FanOut<PoolSuggestedConsumer>();
    x.AddConsumer<ShipmentEventsRecordedConsumer>();
    x.AddConsumer<ShipmentEstimatesChangedConsumer>();
    x.AddConsumer<ShipmentExceptionsRaisedConsumer>();
    x.AddConsumer<PoolFormedConsumer>();
});
builder.AddOutbox(typeof(TradeHub.Webhooks.Contracts.WebhookDisabled).Assembly);
builder.AddWebhooks();

var app = builder.Build();
app.MigrateDatabase(typeof(Program).Assembly);
app.UseServiceDefaults();
app.MapSubscriptionsApi();
app.MapDeliveriesApi();
app.Run();

public partial class Program;
