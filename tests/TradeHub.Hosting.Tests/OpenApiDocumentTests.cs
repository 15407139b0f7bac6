using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TradeHub.Hosting.Tests;

/// <summary>A service's own OpenAPI document, which the gateway publishes anonymously.</summary>
public sealed class OpenApiDocumentTests
{
    [Test]
    public async Task A_services_document_names_no_server_but_the_gateway_and_not_the_address_it_was_read_at()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(ServiceDefaults).Assembly.GetName().Name,
            EnvironmentName = "Production",
            Args = ["--urls", "http://127.0.0.1:0"],
        });
        builder.Logging.ClearProviders();
        builder.AddServiceDefaults("documented");
        await using var app = builder.Build();
        app.UseServiceDefaults();
        app.MapGet("/api/things", () => "thing");
        await app.StartAsync();
        try
        {
            var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
            using var http = new HttpClient { BaseAddress = address };
            var text = await http.GetStringAsync("/openapi/v1.json");
            using var document = JsonDocument.Parse(text);
            Assert.Multiple(() =>
            {
                Assert.That(text, Does.Not.Contain(address.Authority));
                Assert.That(document.RootElement.GetProperty("servers").EnumerateArray()
                    .Select(s => s.GetProperty("url").GetString()), Is.EqualTo(new[] { "/" }));
                Assert.That(document.RootElement.GetProperty("paths").TryGetProperty("/api/things", out _), Is.True);
            });
        }
        finally
        {
            await app.StopAsync();
        }
    }
}
