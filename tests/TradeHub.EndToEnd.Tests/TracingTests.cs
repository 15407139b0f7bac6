using System.Diagnostics;
using System.Net.Http.Json;

namespace TradeHub.EndToEnd.Tests;

/// <summary>One trace follows a cargo offer from the HTTP request through the outbox, the bus and the consumers.</summary>
public class TracingTests
{
    [Test]
    public async Task One_trace_id_spans_the_gateway_listings_and_routing_for_a_post()
    {
        using var shipper = await TradeHubSystem.SignIn("trace-textiles", "sme");
        var traceId = ActivityTraceId.CreateRandom();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/cargo-offers")
        {
            Content = JsonContent.Create(new
            {
                origin = "CNXIY", destination = "KZALA",
                readyDate = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(2).ToString("yyyy-MM-dd"),
                deliverBy = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(30).ToString("yyyy-MM-dd"),
                containers = new { count = 1, type = "40GP" }, weightKg = 9000,
            }),
        };
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
        var answer = await shipper.Http.SendAsync(request);
        Assert.That((int)answer.StatusCode, Is.EqualTo(201), await answer.Content.ReadAsStringAsync());
        var id = (await answer.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>())!["id"]!.GetValue<string>();
        await shipper.Eventually($"/api/cargo-offers/{id}/routes", r => r["status"]!.GetValue<string>() == "ready");

        string[] services = ["gateway", "listings", "routing"];
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!services.All(s => TradeHubSystem.Traces.Saw(s, traceId)) && DateTime.UtcNow < deadline) await Task.Delay(200);

        Assert.That(services.Where(s => !TradeHubSystem.Traces.Saw(s, traceId)), Is.Empty,
            $"services that exported no span of trace {traceId}");
    }
}
