using TradeHub.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("listings");
var app = builder.Build();
app.UseServiceDefaults();
app.Run();

public partial class Program;
