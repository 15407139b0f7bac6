using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using TradeHub.Gateway.DevTokens;

namespace TradeHub.Gateway.Tests;

public sealed class DevTokenTests
{
    private FakeService _listings = null!;
    private GatewayFactory _enabled = null!;
    private GatewayFactory _disabled = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _listings = await FakeService.Start("listings");
        var down = FakeService.DownAddress();
        _enabled = new GatewayFactory(GatewayFactory.Settings(_listings.Address, down, down));
        var off = GatewayFactory.Settings(_listings.Address, down, down);
        off["Auth:DevIssuer:Enabled"] = "false";
        _disabled = new GatewayFactory(off);
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _enabled.DisposeAsync();
        await _disabled.DisposeAsync();
        await _listings.DisposeAsync();
    }

    [Test]
    public async Task A_dev_token_opens_the_api_for_its_organisation()
    {
        using var client = _enabled.CreateClient();
        using var issued = await client.PostAsJsonAsync("/api/dev/tokens", new { organisation = "tianjin-textiles", role = "sme" });
        Assert.That(issued.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var token = (await issued.Content.ReadFromJsonAsync<DevToken>())!.Token;

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.PostAsJsonAsync("/api/cargo-offers", new { origin = "CNTSN" });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [TestCase("""{"role":"sme"}""", "organisation")]
    [TestCase("""{"organisation":"","role":"sme"}""", "organisation")]
    [TestCase("""{"organisation":"Tianjin Textiles","role":"sme"}""", "organisation")]
    [TestCase("""{"organisation":"tianjin/textiles","role":"sme"}""", "organisation")]
    [TestCase("""{"organisation":"tianjin-textiles"}""", "role")]
    [TestCase("""{"organisation":"tianjin-textiles","role":"customs"}""", "role")]
    public async Task A_bad_request_is_400_naming_the_field(string body, string field)
    {
        using var client = _enabled.CreateClient();
        using var response = await client.PostAsync("/api/dev/tokens", new StringContent(body, Encoding.UTF8, "application/json"));
        var problem = await ProblemAssert.IsProblem(response, 400);
        Assert.That(problem.GetProperty("errors").TryGetProperty(field, out _), Is.True, problem.ToString());
    }

    [Test]
    public async Task An_organisation_over_100_characters_is_400()
    {
        using var client = _enabled.CreateClient();
        using var response = await client.PostAsJsonAsync("/api/dev/tokens", new { organisation = new string('a', 101), role = "sme" });
        var problem = await ProblemAssert.IsProblem(response, 400);
        Assert.That(problem.GetProperty("errors").TryGetProperty("organisation", out _), Is.True);
    }

    [Test]
    public async Task A_body_that_is_not_json_is_400_naming_the_body()
    {
        using var client = _enabled.CreateClient();
        using var response = await client.PostAsync("/api/dev/tokens", new StringContent("{not json", Encoding.UTF8, "application/json"));
        var problem = await ProblemAssert.IsProblem(response, 400);
        Assert.That(problem.GetProperty("errors").TryGetProperty("body", out _), Is.True, problem.ToString());
    }

    [Test]
    public async Task Without_the_dev_issuer_there_are_no_dev_tokens()
    {
        using var client = _disabled.CreateClient();
        using var response = await client.PostAsJsonAsync("/api/dev/tokens", new { organisation = "tianjin-textiles", role = "sme" });
        await ProblemAssert.IsProblem(response, 404);
    }

    [Test]
    public async Task Without_the_dev_issuer_its_tokens_are_refused()
    {
        using var client = _disabled.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Tokens.For("tianjin-textiles", "sme"));
        using var response = await client.GetAsync("/api/cargo-offers");
        await ProblemAssert.IsProblem(response, 401);
    }
}
