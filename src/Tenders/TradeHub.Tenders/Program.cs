using TradeHub.Hosting;
using TradeHub.Hosting.Database;
using TradeHub.Hosting.Messaging;
using TradeHub.Tenders;
using TradeHub.Tenders.Award;
using TradeHub.Tenders.Consumers;
using TradeHub.Tenders.Tenders;
using TradeHub.Hosting.Corridors;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("tenders");
builder.AddDatabase();
builder.AddBus("tenders", x => x.AddConsumer<TrustScoreChangedConsumer>());
builder.AddOutbox(typeof(TradeHub.Tenders.Contracts.TenderAwarded).Assembly);
var options = builder.Configuration.GetSection("Tenders").Get<TendersOptions>() ?? new TendersOptions();
builder.Services.AddSingleton(options);
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton(KnownNodes.FromEmbeddedCorridorData());
builder.Services.AddHostedService<AwardSolver>();

var app = builder.Build();
app.MigrateDatabase(typeof(Program).Assembly);
app.UseServiceDefaults();
app.MapTendersApi();
app.Run();

public partial class Program;
