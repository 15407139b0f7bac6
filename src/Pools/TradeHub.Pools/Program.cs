using TradeHub.Hosting;
using TradeHub.Hosting.Database;
using TradeHub.Hosting.Messaging;
using TradeHub.Pools;
using TradeHub.Pools.Contracts;
using TradeHub.Pools.Events;
using TradeHub.Pools.Packing;
using TradeHub.Pools.Pools;
using TradeHub.Hosting.Corridors;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("pools");
builder.AddDatabase();
var options = builder.Configuration.GetSection("Pools").Get<PoolsOptions>() ?? new PoolsOptions();
builder.AddBus("pools", x =>
{
    x.AddBatchConsumer<CargoOfferPostedConsumer>();
    x.AddConsumer<CargoOfferClosedConsumer>();
});
builder.AddOutbox(typeof(PoolFormed).Assembly);
builder.Services.AddSingleton(options);
builder.Services.AddSingleton(new Packer(options.Loading));
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton(KnownNodes.FromEmbeddedCorridorData());
builder.Services.AddSingleton(CorridorTransit.FromEmbeddedCorridorData());
builder.Services.AddHostedService<CutoffSweep>();

var app = builder.Build();
app.MigrateDatabase(typeof(Program).Assembly);
app.UseServiceDefaults();
app.MapPoolsApi();
app.Run();

public partial class Program;
