using TradeHub.Hosting;
using TradeHub.Hosting.Database;
using TradeHub.Hosting.Messaging;
using TradeHub.Shipments.Booking;
using TradeHub.Shipments.Disruptions;
using TradeHub.Shipments.Performance;
using TradeHub.Shipments.Sharing;
using TradeHub.Shipments.Tracking;
using TradeHub.Shipments.Trust;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("shipments");
builder.AddDatabase();
builder.AddBus("shipments", x =>
{
    x.AddBookingConsumers();
    x.AddDisruptionConsumers();
});
builder.AddOutbox(typeof(TradeHub.Shipments.Contracts.ShipmentBooked).Assembly);
builder.Services.AddSingleton(TimeProvider.System);

var app = builder.Build();
app.MigrateDatabase(typeof(Program).Assembly);
app.UseServiceDefaults();
app.MapShipmentsApi();
app.MapTrackingApi();
app.MapSharingApi();
app.MapCorridorPerformanceApi();
app.MapTrustApi();
app.Run();

public partial class Program;
