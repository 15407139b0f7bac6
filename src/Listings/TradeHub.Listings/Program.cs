using TradeHub.Hosting;
using TradeHub.Hosting.Database;
using TradeHub.Hosting.Messaging;
using TradeHub.Listings.Bids;
using TradeHub.Listings.CapacityOffers;
using TradeHub.Listings.CargoOffers;
using TradeHub.Listings.Common;
using TradeHub.Listings.Consumers;
using TradeHub.Listings.Contracts;
using TradeHub.Listings.Expiry;
using TradeHub.Listings.TradeOffers;
using TradeHub.Hosting.Corridors;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("listings");
builder.AddDatabase();
builder.AddBus("listings", x =>
{
    x.AddConsumer<MatchConfirmedConsumer>();
    x.AddConsumer<CapacityReservedConsumer>();
    x.AddConsumer<TenderAwardedConsumer>();
    x.AddConsumer<TrustScoreChangedConsumer>();
});
builder.AddOutbox(typeof(CargoOfferPosted).Assembly);
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton(KnownNodes.FromEmbeddedCorridorData());
builder.Services.AddSingleton(CorridorTransit.FromEmbeddedCorridorData());
builder.Services.AddHostedService<ExpiryJob>();

var app = builder.Build();
app.MigrateDatabase(typeof(Program).Assembly);
app.UseServiceDefaults();
app.MapCargoOffersApi();
app.MapBidsApi();
app.MapCapacityOffersApi();
app.MapTradeOffersApi();
app.Run();

public partial class Program;
