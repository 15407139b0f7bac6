using System.IdentityModel.Tokens.Jwt;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.IdentityModel.Tokens;
using TradeHub.Hosting.Auth;

namespace TradeHub.Gateway.Tests;

/// <summary>
/// The gateway in-process, with its clusters pointed at the given addresses and the bus swapped for
/// MassTransit's in-memory test harness. It runs outside Development (as deployed), so the dev issuer needs the
/// local flag and a key of its own, as deploy/local/up.sh gives it.
/// </summary>
public sealed class GatewayFactory(IReadOnlyDictionary<string, string?> settings, string environment = "Testing")
    : WebApplicationFactory<Program>
{
    /// <summary>Shipments, when not given, points at an address where nothing listens.</summary>
    public static Dictionary<string, string?> Settings(string listings, string routing, string matching, string? shipments = null) => new()
    {
        ["Auth:DevIssuer:Enabled"] = "true",
        ["Auth:DevIssuer:AllowOutsideDevelopment"] = "true",
        ["Auth:DevIssuer:SigningKey"] = Tokens.SigningKey,
        ["ReverseProxy:Clusters:listings:Destinations:primary:Address"] = listings,
        ["ReverseProxy:Clusters:routing:Destinations:primary:Address"] = routing,
        ["ReverseProxy:Clusters:matching:Destinations:primary:Address"] = matching,
        ["Services:Listings"] = listings,
        ["Services:Routing"] = routing,
        ["Services:Matching"] = matching,
        ["ReverseProxy:Clusters:shipments:Destinations:primary:Address"] = shipments ?? FakeService.DownAddress(),
        ["Services:Shipments"] = shipments ?? FakeService.DownAddress(),
        // Webhooks stands where matching does: both up or both down.
        ["ReverseProxy:Clusters:webhooks:Destinations:primary:Address"] = matching,
        ["Services:Webhooks"] = matching,
        ["ReverseProxy:Clusters:pools:Destinations:primary:Address"] = matching,
        ["Services:Pools"] = matching,
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(environment);
        foreach (var (key, value) in settings) builder.UseSetting(key, value);
        // The harness's default inactivity (1.2 s) ends a wait for a consumed message early on a busy machine.
        builder.ConfigureTestServices(services => services.AddMassTransitTestHarness(x =>
            x.SetTestTimeouts(testTimeout: TimeSpan.FromSeconds(60), testInactivityTimeout: TimeSpan.FromSeconds(15))));
    }

    public HttpClient ClientAs(string organisation, string role)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Tokens.For(organisation, role));
        return client;
    }
}

/// <summary>Tokens good and bad, made the way the dev issuer makes them.</summary>
public static class Tokens
{
    /// <summary>Random bytes, as an operator would generate them (64, so HS512 can be tried with it too); new every run.</summary>
    public static readonly string SigningKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64));

    private static readonly AuthOptions Options = new() { DevIssuer = { Enabled = true, SigningKey = SigningKey } };

    public static string For(string organisation, string role, string? subject = null) =>
        TokenAuth.IssueDevToken(Options, organisation, role, subject);

    public static string Expired() =>
        TokenAuth.IssueDevToken(Options, "tianjin-textiles", Roles.Sme, expires: DateTime.UtcNow.AddHours(-1));

    public static string FromAnotherIssuer()
    {
        return Signed(SigningKey, "somebody-else", Roles.Sme, DateTime.UtcNow.AddHours(1));
    }

    /// <summary>A token made offline by anyone who holds the key: issuer, role, expiry and algorithm of their choosing.</summary>
    public static string Signed(string key, string issuer, string role, DateTime expires,
        string algorithm = SecurityAlgorithms.HmacSha256, string organisation = "tianjin-textiles")
    {
        var handler = new JwtSecurityTokenHandler();
        return handler.WriteToken(handler.CreateJwtSecurityToken(
            issuer: issuer, audience: Options.Audience,
            subject: new ClaimsIdentity([new Claim("sub", "x"), new Claim("org", organisation), new Claim("role", role)]),
            notBefore: DateTime.UtcNow.AddMinutes(-1),
            expires: expires,
            issuedAt: DateTime.UtcNow.AddMinutes(-1),
            signingCredentials: new SigningCredentials(
                new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), algorithm)));
    }

    /// <summary>A valid token whose payload was edited afterwards (sme promoted to admin); the signature no longer fits.</summary>
    public static string Tampered()
    {
        var parts = For("tianjin-textiles", Roles.Sme).Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1])).Replace("\"sme\"", "\"admin\"");
        return $"{parts[0]}.{Base64UrlEncoder.Encode(payload)}.{parts[2]}";
    }
}

public static class ProblemAssert
{
    /// <summary>Asserts an RFC 7807 answer with the status; returns the document.</summary>
    public static async Task<JsonElement> IsProblem(HttpResponseMessage response, int status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.Multiple(() =>
        {
            Assert.That((int)response.StatusCode, Is.EqualTo(status), body);
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        });
        var problem = JsonDocument.Parse(body).RootElement.Clone();
        Assert.That(problem.GetProperty("status").GetInt32(), Is.EqualTo(status));
        return problem;
    }
}
