using System.IdentityModel.Tokens.Jwt;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.IdentityModel.Tokens;
using TradeHub.Gateway.DevTokens;
using TradeHub.Hosting.Auth;

namespace TradeHub.Gateway.Tests;

/// <summary>The gateway started as deployed (Production) refuses settings that let strangers in.</summary>
public sealed class AuthSettingsTests
{
    private FakeService _listings = null!;
    private string _down = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _listings = await FakeService.Start("listings");
        _down = FakeService.DownAddress();
    }

    [OneTimeTearDown]
    public async Task Stop() => await _listings.DisposeAsync();

    private Dictionary<string, string?> Production(params (string Key, string? Value)[] overrides)
    {
        var settings = GatewayFactory.Settings(_listings.Address, _down, _down);
        settings.Remove("Auth:DevIssuer:AllowOutsideDevelopment");
        settings.Remove("Auth:DevIssuer:SigningKey");
        foreach (var (key, value) in overrides) settings[key] = value;
        return settings;
    }

    private static string StartupFailure(Dictionary<string, string?> settings, string environment = "Production")
    {
        using var gateway = new GatewayFactory(settings, environment);
        try
        {
            gateway.CreateClient().Dispose();
        }
        catch (Exception e)
        {
            for (var inner = e; inner is not null; inner = inner.InnerException)
                if (inner is InvalidOperationException) return inner.Message;
            return e.ToString();
        }
        return "";
    }

    [Test]
    public void The_gateway_refuses_to_start_in_production_with_the_dev_issuer_on()
    {
        var failure = StartupFailure(Production(("Auth:DevIssuer:SigningKey", Tokens.SigningKey)));
        Assert.That(failure, Does.Contain("Auth:DevIssuer:Enabled").And.Contain("AllowOutsideDevelopment"));
    }

    [Test]
    public void The_local_flag_alone_does_not_bring_the_public_default_key_into_production()
    {
        var failure = StartupFailure(Production(("Auth:DevIssuer:AllowOutsideDevelopment", "true")));
        Assert.That(failure, Does.Contain("Auth:DevIssuer:SigningKey is not set"));
    }

    [TestCase("short-key-0123456789")]
    [TestCase("0123456789abcdefghijklmnopqrstu")]
    [TestCase("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public void A_short_or_patterned_signing_key_stops_the_gateway_with_a_clear_message(string key)
    {
        var failure = StartupFailure(Production(("Auth:DevIssuer:AllowOutsideDevelopment", "true"),
            ("Auth:DevIssuer:SigningKey", key)));
        Assert.That(failure, Does.Contain("at least 32 random bytes"));
    }

    [Test]
    public void A_dev_token_lifetime_beyond_the_maximum_stops_the_gateway()
    {
        var failure = StartupFailure(Production(("Auth:DevIssuer:AllowOutsideDevelopment", "true"),
            ("Auth:DevIssuer:SigningKey", Tokens.SigningKey), ("Auth:MaxTokenLifetime", "01:00:00"),
            ("Auth:DevIssuer:LifetimeMinutes", "480")));
        Assert.That(failure, Does.Contain("Auth:DevIssuer:LifetimeMinutes"));
    }

    [Test]
    public void An_oidc_authority_over_plain_http_stops_the_gateway_outside_development()
    {
        var failure = StartupFailure(Production(("Auth:DevIssuer:Enabled", "false"),
            ("Auth:Authority", "http://id.example.org/realms/tradehub")));
        Assert.That(failure, Does.Contain("not HTTPS"));
    }

    [Test]
    public async Task With_an_oidc_authority_and_no_dev_issuer_the_gateway_starts_and_mints_nothing()
    {
        await using var gateway = new GatewayFactory(Production(("Auth:DevIssuer:Enabled", "false"),
            ("Auth:Authority", "https://id.example.org/realms/tradehub")), "Production");
        using var client = gateway.CreateClient();
        using var live = await client.GetAsync("/health/live");
        using var minted = await client.PostAsJsonAsync("/api/dev/tokens", new { organisation = "x", role = "admin" });
        using var api = await client.GetAsync("/api/cargo-offers");
        Assert.Multiple(() =>
        {
            Assert.That(live.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(minted.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(api.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        });
    }

    [Test]
    public void In_development_the_dev_issuer_starts_with_its_built_in_key()
    {
        var settings = Production();
        Assert.That(StartupFailure(settings, "Development"), Is.Empty);
    }

    /// <summary>A local system (flag and own key) whose admin route is guarded: what offline-made tokens get.</summary>
    private GatewayFactory LocalSystem() => new(Production(("Auth:DevIssuer:AllowOutsideDevelopment", "true"),
        ("Auth:DevIssuer:SigningKey", Tokens.SigningKey)), "Production");

    private static async Task<HttpResponseMessage> PostDisruption(GatewayFactory gateway, string token)
    {
        using var client = gateway.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await client.PostAsJsonAsync("/api/network/disruptions", new { });
    }

    [Test]
    public async Task An_admin_token_signed_with_the_old_public_default_key_is_refused()
    {
        await using var gateway = LocalSystem();
        var forged = Tokens.Signed(DevIssuerOptions.DevelopmentSigningKey, DevIssuerOptions.IssuerName, Roles.Admin,
            DateTime.UtcNow.AddYears(10));
        using var response = await PostDisruption(gateway, forged);
        await ProblemAssert.IsProblem(response, 401);
    }

    [Test]
    public async Task A_token_valid_for_ten_years_is_refused_even_with_the_right_key()
    {
        await using var gateway = LocalSystem();
        var token = Tokens.Signed(Tokens.SigningKey, DevIssuerOptions.IssuerName, Roles.Admin, DateTime.UtcNow.AddYears(10));
        using var response = await PostDisruption(gateway, token);
        var problem = await ProblemAssert.IsProblem(response, 401);
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("longer than"));
    }

    [TestCase(SecurityAlgorithms.HmacSha384)]
    [TestCase(SecurityAlgorithms.HmacSha512)]
    public async Task A_token_signed_with_another_algorithm_is_refused_even_with_the_right_key(string algorithm)
    {
        await using var gateway = LocalSystem();
        var token = Tokens.Signed(Tokens.SigningKey, DevIssuerOptions.IssuerName, Roles.Admin, DateTime.UtcNow.AddMinutes(30),
            algorithm);
        using var response = await PostDisruption(gateway, token);
        await ProblemAssert.IsProblem(response, 401);
    }

    [Test]
    public async Task A_token_within_the_limits_passes_as_admin()
    {
        await using var gateway = LocalSystem();
        var token = Tokens.Signed(Tokens.SigningKey, DevIssuerOptions.IssuerName, Roles.Admin, DateTime.UtcNow.AddMinutes(30));
        using var response = await PostDisruption(gateway, token);
        // Routing is down in this fixture: a 503 shows the token got past authentication and the admin policy.
        await ProblemAssert.IsProblem(response, 503);
    }

    [Test]
    public async Task A_minted_dev_token_lives_no_longer_than_its_configured_lifetime()
    {
        var settings = Production(("Auth:DevIssuer:AllowOutsideDevelopment", "true"),
            ("Auth:DevIssuer:SigningKey", Tokens.SigningKey), ("Auth:MaxTokenLifetime", "01:00:00"),
            ("Auth:DevIssuer:LifetimeMinutes", "30"));
        await using var gateway = new GatewayFactory(settings, "Production");
        using var client = gateway.CreateClient();
        using var issued = await client.PostAsJsonAsync("/api/dev/tokens", new { organisation = "tianjin-textiles", role = "sme" });
        var token = new JwtSecurityTokenHandler().ReadJwtToken((await issued.Content.ReadFromJsonAsync<DevToken>())!.Token);
        Assert.That(token.ValidTo - token.IssuedAt, Is.LessThanOrEqualTo(TimeSpan.FromMinutes(30)));
    }
}
