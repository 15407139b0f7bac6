using TradeHub.Hosting;
using TradeHub.Hosting.Database;
using TradeHub.Hosting.Messaging;
using TradeHub.Matching;
using TradeHub.Matching.Flows;
using TradeHub.Matching.Matches;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("matching");
builder.AddDatabase();
builder.AddBus("matching", x => x.AddMatchingConsumers());
builder.AddOutbox(typeof(TradeHub.Matching.Contracts.MatchProposed).Assembly);
builder.AddMatching();

var app = builder.Build();
app.MigrateDatabase(typeof(Program).Assembly);
app.UseServiceDefaults();
app.MapMatchesApi();
app.MapFlowsApi();
app.Run();

public partial class Program;
