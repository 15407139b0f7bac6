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
    x.AddBatchConsumer<MatchProposedConsumer>();
    x.AddBatchConsumer<MatchConfirmedConsumer>();
    x.AddBatchConsumer<MatchExpiredConsumer>();
    x.AddBatchConsumer<BidPlacedConsumer>();
    x.AddBatchConsumer<BidAwardedConsumer>();
    x.AddBatchConsumer<CargoRoutesComputedConsumer>();
    x.AddBatchConsumer<ShipmentBookedConsumer>();
    x.AddBatchConsumer<ShipmentEventRecordedConsumer>();
    x.AddBatchConsumer<ShipmentEtaChangedConsumer>();
    x.AddBatchConsumer<ShipmentDelayedConsumer>();
    x.AddBatchConsumer<ShipmentExceptionConsumer>();
    x.AddBatchConsumer<ShipmentDeliveredConsumer>();
    x.AddBatchConsumer<PoolMemberJoinedConsumer>();
    x.AddBatchConsumer<PoolCancelledConsumer>();
    x.AddBatchConsumer<PoolSuggestedConsumer>();
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
