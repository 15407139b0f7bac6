using TradeHub.Hosting;
using TradeHub.Hosting.Database;
using TradeHub.Hosting.Messaging;
using TradeHub.Routing.CargoOffers;
using TradeHub.Routing.Disruptions;
using TradeHub.Routing.Network;
using TradeHub.Routing.Routes;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("routing");
builder.AddDatabase();
builder.AddBus("routing", x =>
{
    x.AddBatchConsumer<CargoOfferPostedConsumer>();
    x.AddConsumer<CargoOfferWithdrawnConsumer>();
    x.AddConsumer<CargoOfferExpiredConsumer>();
    x.AddConsumer<LogisticsCostTableRequestedConsumer>();
    x.AddConsumer<ShipmentRerouteRequestedConsumer>();
});
builder.AddOutbox(typeof(TradeHub.Routing.Contracts.CargoRoutesComputed).Assembly);
builder.AddRouteNetwork();
var app = builder.Build();
app.MigrateDatabase(typeof(Program).Assembly);
app.UseServiceDefaults();
app.MapNetworkApi();
app.MapRoutesApi();
app.MapDisruptionsApi();
app.Run();

public partial class Program;
