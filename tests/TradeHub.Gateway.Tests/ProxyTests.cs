using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using TradeHub.Hosting.Auth;

namespace TradeHub.Gateway.Tests;

/// <summary>Listings and routing are up (routing answers slower than the gateway waits when asked to); matching is down.</summary>
public sealed class ProxyTests
{
    private FakeService _listings = null!;
    private FakeService _routing = null!;
    private GatewayFactory _gateway = null!;

    [OneTimeSetUp]
    public async Task StartServices()
    {
        _listings = await FakeService.Start("listings");
        _routing = await FakeService.Start("routing");
        var settings = GatewayFactory.Settings(_listings.Address, _routing.Address, FakeService.DownAddress());
        settings["ReverseProxy:Clusters:routing:HttpRequest:ActivityTimeout"] = "00:00:00.500";
        settings["Limits:MaxRequestBodyBytes"] = "1024";
        _gateway = new GatewayFactory(settings);
    }

    [OneTimeTearDown]
    public async Task StopServices()
    {
        await _gateway.DisposeAsync();
        await _listings.DisposeAsync();
        await _routing.DisposeAsync();
    }

    private static StringContent Json(string json = "{}") => new(json, Encoding.UTF8, "application/json");

    [TestCase("GET", "/api/cargo-offers?origin=CNTSN", "listings")]
    [TestCase("GET", "/api/cargo-offers/0199a3b0-0000-7000-8000-000000000001", "listings")]
    [TestCase("DELETE", "/api/cargo-offers/0199a3b0-0000-7000-8000-000000000001", "listings")]
    [TestCase("GET", "/api/cargo-offers/0199a3b0-0000-7000-8000-000000000001/bids", "listings")]
    [TestCase("POST", "/api/cargo-offers/0199a3b0-0000-7000-8000-000000000001/bids/0199a3b0-0000-7000-8000-000000000002/award", "listings")]
    [TestCase("GET", "/api/cargo-offers/0199a3b0-0000-7000-8000-000000000001/routes", "routing")]
    [TestCase("GET", "/api/capacity-offers?mode=rail", "listings")]
    [TestCase("DELETE", "/api/trade-offers/0199a3b0-0000-7000-8000-000000000001", "listings")]
    [TestCase("GET", "/api/routes?from=CNTSN&to=UZTAS&objective=fastest", "routing")]
    [TestCase("GET", "/api/network/nodes", "routing")]
    [TestCase("GET", "/api/network/legs?mode=rail", "routing")]
    [TestCase("GET", "/api/network/disruptions", "routing")]
    public async Task Each_path_reaches_the_service_that_owns_it(string method, string path, string service)
    {
        using var client = _gateway.ClientAs("tianjin-textiles", Roles.Sme);
        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var echo = await response.Content.ReadFromJsonAsync<Echo>();
        Assert.Multiple(() =>
        {
            Assert.That(echo!.Service, Is.EqualTo(service));
            Assert.That(echo.Method, Is.EqualTo(method));
            Assert.That(echo.Path, Is.EqualTo(path.Split('?')[0]));
        });
    }

    [Test]
    public async Task The_bearer_token_reaches_the_service_unchanged()
    {
        var token = Tokens.For("tianjin-textiles", Roles.Sme);
        using var client = _gateway.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var echo = await client.GetFromJsonAsync<Echo>("/api/cargo-offers");
        Assert.That(echo!.Authorization, Is.EqualTo($"Bearer {token}"));
    }

    [TestCase("/api/network/nodes", HttpStatusCode.OK)]
    [TestCase("/api/network/legs?mode=rail", HttpStatusCode.OK)]
    [TestCase("/api/network/disruptions", HttpStatusCode.Unauthorized)]
    [TestCase("/api/cargo-offers", HttpStatusCode.Unauthorized)]
    public async Task The_corridor_map_is_public_and_the_rest_needs_a_token(string path, HttpStatusCode expected)
    {
        using var client = _gateway.CreateClient();
        using var response = await client.GetAsync(path);
        Assert.That(response.StatusCode, Is.EqualTo(expected));
    }

    [TestCase("POST", "/api/cargo-offers", Roles.Sme, "listings")]
    [TestCase("POST", "/api/cargo-offers/0199a3b0-0000-7000-8000-000000000001/bids", Roles.Carrier, "listings")]
    [TestCase("POST", "/api/capacity-offers", Roles.Carrier, "listings")]
    [TestCase("POST", "/api/trade-offers", Roles.Sme, "listings")]
    [TestCase("POST", "/api/network/disruptions", Roles.Admin, "routing")]
    [TestCase("DELETE", "/api/network/disruptions/0199a3b0-0000-7000-8000-000000000001", Roles.Admin, "routing")]
    public async Task The_role_the_route_asks_for_gets_through(string method, string path, string role, string service)
    {
        using var client = _gateway.ClientAs("some-org", role);
        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path)
            { Content = method == "POST" ? Json() : null });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await response.Content.ReadFromJsonAsync<Echo>())!.Service, Is.EqualTo(service));
    }

    [TestCase("POST", "/api/cargo-offers", Roles.Carrier)]
    [TestCase("POST", "/api/cargo-offers/0199a3b0-0000-7000-8000-000000000001/bids", Roles.Sme)]
    [TestCase("POST", "/api/capacity-offers", Roles.Sme)]
    [TestCase("POST", "/api/trade-offers", Roles.TradeOffice)]
    [TestCase("POST", "/api/network/disruptions", Roles.Sme)]
    [TestCase("DELETE", "/api/network/disruptions/0199a3b0-0000-7000-8000-000000000001", Roles.Carrier)]
    [TestCase("GET", "/api/flows?groupBy=corridor", Roles.Sme)]
    [TestCase("GET", "/api/flows.csv?groupBy=mode", Roles.Carrier)]
    public async Task A_role_the_route_does_not_allow_is_403(string method, string path, string role)
    {
        using var client = _gateway.ClientAs("some-org", role);
        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path)
            { Content = method == "POST" ? Json() : null });
        var problem = await ProblemAssert.IsProblem(response, 403);
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain($"'{role}'"));
    }

    [TestCase(null, "No token")]
    [TestCase("expired", "expired")]
    [TestCase("another-issuer", "issuer")]
    [TestCase("tampered", "signature")]
    [TestCase("garbage", "not valid")]
    public async Task A_missing_or_bad_token_is_401_saying_why(string? kind, string why)
    {
        using var client = _gateway.CreateClient();
        var token = kind switch
        {
            "expired" => Tokens.Expired(),
            "another-issuer" => Tokens.FromAnotherIssuer(),
            "tampered" => Tokens.Tampered(),
            "garbage" => "not-a-jwt",
            _ => null,
        };
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.GetAsync("/api/cargo-offers");
        var problem = await ProblemAssert.IsProblem(response, 401);
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain(why));
    }

    [Test]
    public async Task A_tampered_token_does_not_pass_as_admin()
    {
        using var client = _gateway.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Tokens.Tampered());
        using var response = await client.PostAsync("/api/network/disruptions", Json());
        await ProblemAssert.IsProblem(response, 401);
    }

    [Test]
    public async Task A_body_over_the_limit_is_413()
    {
        using var client = _gateway.ClientAs("tianjin-textiles", Roles.Sme);
        var big = JsonSerializer.Serialize(new { description = new string('x', 4096) });
        using var response = await client.PostAsync("/api/cargo-offers", Json(big));
        await ProblemAssert.IsProblem(response, 413);
    }

    [TestCase("text/plain")]
    [TestCase("application/x-www-form-urlencoded")]
    public async Task A_body_that_is_not_json_is_415(string contentType)
    {
        using var client = _gateway.ClientAs("tianjin-textiles", Roles.Sme);
        using var response = await client.PostAsync("/api/cargo-offers", new StringContent("origin=CNTSN", Encoding.UTF8, contentType));
        await ProblemAssert.IsProblem(response, 415);
    }

    [Test]
    public async Task A_json_flavoured_content_type_passes()
    {
        using var client = _gateway.ClientAs("tianjin-textiles", Roles.Sme);
        using var response = await client.PostAsync("/api/cargo-offers",
            new StringContent("{}", Encoding.UTF8, "application/merge-patch+json"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task A_post_without_a_body_needs_no_content_type()
    {
        using var client = _gateway.ClientAs("tianjin-textiles", Roles.Sme);
        using var response = await client.PostAsync("/api/cargo-offers/0199a3b0-0000-7000-8000-000000000001/bids/x/award", null);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [TestCase(Roles.TradeOffice)]
    [TestCase(Roles.Admin)]
    public async Task Flows_let_trade_offices_and_admins_through(string role)
    {
        using var client = _gateway.ClientAs("tashkent-trade-office", role);
        using var response = await client.GetAsync("/api/flows?groupBy=corridor");
        // Matching is down in this fixture: a 503 shows the gateway let the caller through to it.
        await ProblemAssert.IsProblem(response, 503);
    }

    [TestCase("/api/matches")]
    [TestCase("/api/matches/0199a3b0-0000-7000-8000-000000000001")]
    public async Task A_service_that_is_down_is_503(string path)
    {
        using var client = _gateway.ClientAs("tianjin-textiles", Roles.Sme);
        using var response = await client.GetAsync(path);
        await ProblemAssert.IsProblem(response, 503);
        Assert.That(response.Headers.RetryAfter, Is.Not.Null);
    }

    [Test]
    public async Task A_service_too_slow_to_answer_is_504()
    {
        using var client = _gateway.ClientAs("tianjin-textiles", Roles.Sme);
        using var response = await client.GetAsync("/api/routes?from=CNTSN&to=UZTAS&delayMs=30000");
        await ProblemAssert.IsProblem(response, 504);
    }

    [Test]
    public async Task An_unknown_api_path_is_a_404_problem()
    {
        using var client = _gateway.ClientAs("tianjin-textiles", Roles.Sme);
        using var response = await client.GetAsync("/api/warehouses");
        await ProblemAssert.IsProblem(response, 404);
    }

    [Test]
    public async Task The_merged_document_holds_gateway_and_service_paths_and_names_the_missing_service()
    {
        using var client = _gateway.CreateClient();
        using var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json"));
        var root = document.RootElement;
        var paths = root.GetProperty("paths");
        Assert.Multiple(() =>
        {
            Assert.That(root.GetProperty("info").GetProperty("title").GetString(), Is.EqualTo("TradeHub API"));
            Assert.That(paths.TryGetProperty("/api/dev/tokens", out _), Is.True);
            Assert.That(paths.TryGetProperty("/api/events", out _), Is.True);
            Assert.That(paths.TryGetProperty("/api/listings-things", out _), Is.True);
            Assert.That(paths.TryGetProperty("/api/routing-things", out _), Is.True);
            Assert.That(root.GetProperty("components").GetProperty("schemas").TryGetProperty("routingThing", out _), Is.True);
            Assert.That(root.GetProperty("x-tradehub-unavailable")[0].GetString(), Is.EqualTo("matching"));
        });
    }

    [Test]
    public async Task A_service_document_is_served_under_services()
    {
        using var client = _gateway.CreateClient();
        using var document = JsonDocument.Parse(await client.GetStringAsync("/services/routing/openapi/v1.json"));
        Assert.That(document.RootElement.GetProperty("info").GetProperty("title").GetString(), Is.EqualTo("routing"));
    }

    [Test]
    public async Task The_reference_page_and_its_script_come_from_the_gateway_itself()
    {
        using var client = _gateway.CreateClient();
        var page = await client.GetStringAsync("/docs/");
        using var script = await client.GetAsync("/docs/scalar.js");
        Assert.Multiple(() =>
        {
            Assert.That(page, Does.Contain("scalar.js"));
            Assert.That(script.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        });
    }

    [Test]
    public void Readiness_covers_the_bus_and_the_services()
    {
        var checks = _gateway.Services.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations
            .Where(r => r.Tags.Contains("ready")).Select(r => r.Name).ToList();
        Assert.That(checks, Is.SupersetOf(new[] { "listings", "routing", "matching", "webhooks", "pools" }));
        Assert.That(checks.Any(n => n.Contains("masstransit", StringComparison.OrdinalIgnoreCase)), Is.True, string.Join(", ", checks));
    }

    [Test]
    public async Task A_trace_context_reaches_the_service()
    {
        using var client = _gateway.ClientAs("tianjin-textiles", Roles.Sme);
        var echo = await client.GetFromJsonAsync<Echo>("/api/network/nodes");
        Assert.That(echo!.TraceParent, Does.Match("^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$"));
    }

    [Test]
    public async Task The_gateway_is_not_ready_while_a_service_is_down()
    {
        using var client = _gateway.CreateClient();
        using var ready = await client.GetAsync("/health/ready");
        using var live = await client.GetAsync("/health/live");
        Assert.Multiple(() =>
        {
            Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(live.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        });
    }
}
