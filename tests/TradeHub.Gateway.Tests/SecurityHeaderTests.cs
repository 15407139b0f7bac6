using System.Net.Http.Headers;
using System.Text.Json;
using TradeHub.Hosting.Auth;

namespace TradeHub.Gateway.Tests;

/// <summary>What a browser is told about the dashboard, the reference page and API answers; what the documents reveal.</summary>
public sealed class SecurityHeaderTests
{
    private FakeService _listings = null!;
    private FakeService _routing = null!;
    private GatewayFactory _gateway = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _listings = await FakeService.Start("listings");
        _routing = await FakeService.Start("routing");
        var settings = GatewayFactory.Settings(_listings.Address, _routing.Address, FakeService.DownAddress());
        settings["Auth:Authority"] = "https://id.example.org/realms/tradehub";
        _gateway = new GatewayFactory(settings);
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _gateway.DisposeAsync();
        await _listings.DisposeAsync();
        await _routing.DisposeAsync();
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values)
        : response.Content.Headers.TryGetValues(name, out var content) ? string.Join(", ", content) : "";

    [TestCase("/", null)]
    [TestCase("/js/main.js", null)]
    [TestCase("/docs/", null)]
    [TestCase("/api/cargo-offers", "sme")]
    [TestCase("/api/cargo-offers", null)]
    [TestCase("/api/warehouses", "sme")]
    [TestCase("/openapi/v1.json", null)]
    [TestCase("/services/listings/openapi/v1.json", null)]
    public async Task Every_answer_forbids_sniffing_framing_and_referrers(string path, string? role)
    {
        using var client = role is null ? _gateway.CreateClient() : _gateway.ClientAs("tianjin-textiles", role);
        using var response = await client.GetAsync(path);
        Assert.Multiple(() =>
        {
            Assert.That(Header(response, "X-Content-Type-Options"), Is.EqualTo("nosniff"), path);
            Assert.That(Header(response, "X-Frame-Options"), Is.EqualTo("DENY"), path);
            Assert.That(Header(response, "Referrer-Policy"), Is.EqualTo("no-referrer"), path);
            Assert.That(Header(response, "Content-Security-Policy"), Does.Contain("frame-ancestors 'none'"), path);
        });
    }

    [Test]
    public async Task The_dashboard_may_run_only_its_own_scripts_and_talk_only_to_itself_and_its_sign_in_provider()
    {
        using var client = _gateway.CreateClient();
        using var response = await client.GetAsync("/");
        var policy = Directives(Header(response, "Content-Security-Policy"));
        Assert.Multiple(() =>
        {
            Assert.That(policy["script-src"], Is.EqualTo(new[] { "'self'" }));
            Assert.That(policy["style-src"], Is.EqualTo(new[] { "'self'" }));
            Assert.That(policy["object-src"], Is.EqualTo(new[] { "'none'" }));
            Assert.That(policy["connect-src"], Is.EquivalentTo(new[] { "'self'", "https://id.example.org" }));
        });
    }

    [Test]
    public async Task Api_answers_may_not_be_run_as_a_page()
    {
        using var client = _gateway.ClientAs("tianjin-textiles", Roles.Sme);
        using var response = await client.GetAsync("/api/cargo-offers");
        Assert.That(Directives(Header(response, "Content-Security-Policy"))["default-src"], Is.EqualTo(new[] { "'none'" }));
    }

    [Test]
    public async Task A_service_document_names_the_gateway_as_its_server_and_no_internal_address()
    {
        using var client = _gateway.CreateClient();
        var text = await client.GetStringAsync("/services/listings/openapi/v1.json");
        using var document = JsonDocument.Parse(text);
        var root = document.RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(text, Does.Not.Contain(new Uri(_listings.Address).Authority));
            Assert.That(text, Does.Not.Contain("127.0.0.1"));
            Assert.That(root.GetProperty("servers").EnumerateArray().Select(s => s.GetProperty("url").GetString()),
                Is.EqualTo(new[] { "/" }));
            Assert.That(root.GetProperty("paths").TryGetProperty("/api/listings-things", out _), Is.True);
        });
    }

    [Test]
    public async Task The_merged_document_names_no_internal_address()
    {
        using var client = _gateway.CreateClient();
        var text = await client.GetStringAsync("/openapi/v1.json");
        Assert.Multiple(() =>
        {
            Assert.That(text, Does.Not.Contain(new Uri(_listings.Address).Authority));
            Assert.That(text, Does.Not.Contain(new Uri(_routing.Address).Authority));
            Assert.That(text, Does.Contain("/api/routing-things"));
        });
    }

    private static Dictionary<string, string[]> Directives(string policy) =>
        policy.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => d.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToDictionary(d => d[0], d => d[1..]);
}
