using TradeHub.Gateway.Access;
using TradeHub.Gateway.DevTokens;
using TradeHub.Gateway.Docs;
using TradeHub.Gateway.Events;
using TradeHub.Gateway.Health;
using TradeHub.Gateway.Limits;
using TradeHub.Gateway.Proxy;
using TradeHub.Gateway.Security;
using TradeHub.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("gateway");
builder.AddProxy();
builder.AddAccessProblems();
builder.AddLimits();
builder.AddLiveEvents();
builder.AddServiceHealth();
builder.AddApiDocs();

var app = builder.Build();
app.UseClientAddress();
app.UseSecurityHeaders();
app.UseDefaultFiles();
app.UseStaticFiles();
app.UseServiceDefaults();
app.UseLimits();
app.MapDevTokensApi();
app.MapEventsApi();
app.MapApiDocs();
app.MapProxy();
app.Run();

public partial class Program;
