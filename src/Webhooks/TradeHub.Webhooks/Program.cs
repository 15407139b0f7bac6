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
    x.AddConsumer<MatchProposedConsumer>();
    x.AddConsumer<MatchConfirmedConsumer>();
    x.AddConsumer<MatchExpiredConsumer>();
    x.AddConsumer<BidPlacedConsumer>();
    x.AddConsumer<BidAwardedConsumer>();
    x.AddConsumer<CargoRoutesComputedConsumer>();
    x.AddConsumer<ShipmentBookedConsumer>();
    x.AddConsumer<ShipmentEventRecordedConsumer>();
    x.AddConsumer<ShipmentEventsRecordedConsumer>();
    x.AddConsumer<ShipmentEtaChangedConsumer>();
    x.AddConsumer<ShipmentDelayedConsumer>();
    x.AddConsumer<ShipmentEstimatesChangedConsumer>();
    x.AddConsumer<ShipmentExceptionsRaisedConsumer>();
    x.AddConsumer<ShipmentExceptionConsumer>();
    x.AddConsumer<ShipmentDeliveredConsumer>();
    x.AddConsumer<PoolMemberJoinedConsumer>();
    x.AddConsumer<PoolFormedConsumer>();
    x.AddConsumer<PoolCancelledConsumer>();
    x.AddConsumer<PoolSuggestedConsumer>();
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
