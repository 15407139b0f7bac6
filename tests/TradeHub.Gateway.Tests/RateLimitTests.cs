using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using TradeHub.Hosting.Auth;

namespace TradeHub.Gateway.Tests;

/// <summary>
/// The limiter's buckets: per user, per client address (behind configured proxies only, the forwarded one),
/// for the whole gateway, and for minting dev tokens. Requests go in-process with a chosen peer address.
/// </summary>
public sealed class RateLimitTests
{
    private FakeService _listings = null!;
    private readonly List<GatewayFactory> _gateways = [];

    [OneTimeSetUp]
    public async Task Start() => _listings = await FakeService.Start("listings");

    [TearDown]
    public async Task StopGateways()
    {
        foreach (var gateway in _gateways) await gateway.DisposeAsync();
        _gateways.Clear();
    }

    [OneTimeTearDown]
    public async Task Stop() => await _listings.DisposeAsync();

    /// <summary>A gateway whose limits are all generous except the ones named.</summary>
    private GatewayFactory Gateway(params (string Key, string Value)[] limits)
    {
        var down = FakeService.DownAddress();
        var settings = GatewayFactory.Settings(_listings.Address, down, down);
        foreach (var key in (string[])["PermitsPerSecond", "Burst", "AddressPermitsPerSecond", "AddressBurst",
                     "GlobalPermitsPerSecond", "GlobalBurst", "DevTokensPerMinute"])
            settings[$"RateLimiting:{key}"] = "100000";
        foreach (var (key, value) in limits) settings[key] = value;
        var gateway = new GatewayFactory(settings);
        _gateways.Add(gateway);
        return gateway;
    }

    private static async Task<HttpContext> Send(GatewayFactory gateway, string peer, string? token,
        string? forwardedFor = null, string method = "GET", string path = "/api/cargo-offers", string? body = null) =>
        await gateway.Server.SendAsync(c =>
        {
            c.Request.Method = method;
            c.Request.Path = path;
            c.Connection.RemoteIpAddress = IPAddress.Parse(peer);
            if (token is not null) c.Request.Headers.Authorization = "Bearer " + token;
            if (forwardedFor is not null) c.Request.Headers["X-Forwarded-For"] = forwardedFor;
            if (body is not null)
            {
                var bytes = Encoding.UTF8.GetBytes(body);
                c.Request.ContentType = "application/json";
                c.Request.ContentLength = bytes.Length;
                c.Request.Body = new MemoryStream(bytes);
                c.Features.Set<IHttpRequestBodyDetectionFeature>(new HasBody());
            }
        });

    private sealed class HasBody : IHttpRequestBodyDetectionFeature
    {
        public bool CanHaveBody => true;
    }

    /// <summary>The status codes of n requests made one after another.</summary>
    private static async Task<List<int>> Statuses(int n, Func<int, Task<HttpContext>> send)
    {
        var statuses = new List<int>();
        for (var i = 0; i < n; i++) statuses.Add((await send(i)).Response.StatusCode);
        return statuses;
    }

    [Test]
    public async Task A_user_over_its_rate_gets_429_with_retry_after_and_others_do_not()
    {
        var gateway = Gateway(("RateLimiting:PermitsPerSecond", "1"), ("RateLimiting:Burst", "2"));
        using var busy = gateway.ClientAs("busy-org", Roles.Sme);
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 20 && limited is null; i++)
        {
            var response = await busy.GetAsync("/api/cargo-offers");
            if (response.StatusCode == HttpStatusCode.TooManyRequests) limited = response;
            else response.Dispose();
        }
        Assert.That(limited, Is.Not.Null, "twenty requests at a rate of one a second never hit the limit");
        using (limited)
        {
            await ProblemAssert.IsProblem(limited!, 429);
            Assert.That(limited!.Headers.RetryAfter?.Delta, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(1)));
        }

        using var calm = gateway.ClientAs("calm-org", Roles.Sme);
        using var other = await calm.GetAsync("/api/cargo-offers");
        Assert.That(other.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Fresh_tokens_from_one_address_share_that_addresses_bucket()
    {
        var gateway = Gateway(("RateLimiting:AddressPermitsPerSecond", "1"), ("RateLimiting:AddressBurst", "3"));
        var fromOne = await Statuses(10, i => Send(gateway, "203.0.113.7", Tokens.For($"fresh-org-{i}", Roles.Sme)));
        var fromAnother = await Send(gateway, "203.0.113.8", Tokens.For("fresh-org-x", Roles.Sme));
        Assert.Multiple(() =>
        {
            Assert.That(fromOne, Does.Contain(429), string.Join(", ", fromOne));
            Assert.That(fromAnother.Response.StatusCode, Is.EqualTo(200));
        });
    }

    [Test]
    public async Task Forwarded_addresses_from_an_unknown_peer_are_not_believed()
    {
        var gateway = Gateway(("RateLimiting:AddressPermitsPerSecond", "1"), ("RateLimiting:AddressBurst", "3"));
        var statuses = await Statuses(10, i =>
            Send(gateway, "203.0.113.9", Tokens.For($"spoof-org-{i}", Roles.Sme), forwardedFor: $"198.51.100.{i + 1}"));
        Assert.That(statuses, Does.Contain(429), string.Join(", ", statuses));
    }

    [Test]
    public async Task Behind_a_known_proxy_each_forwarded_client_has_its_own_bucket()
    {
        var gateway = Gateway(("RateLimiting:AddressPermitsPerSecond", "1"), ("RateLimiting:AddressBurst", "3"),
            ("ForwardedHeaders:KnownProxies:0", "10.0.0.5"));
        var first = await Statuses(10, i =>
            Send(gateway, "10.0.0.5", Tokens.For($"proxied-org-{i}", Roles.Sme), forwardedFor: "198.51.100.1"));
        var second = await Send(gateway, "10.0.0.5", Tokens.For("proxied-org-x", Roles.Sme), forwardedFor: "198.51.100.2");
        Assert.Multiple(() =>
        {
            Assert.That(first, Does.Contain(429), string.Join(", ", first));
            Assert.That(second.Response.StatusCode, Is.EqualTo(200));
        });
    }

    [Test]
    public async Task The_gateway_as_a_whole_has_a_limit_that_many_addresses_and_users_share()
    {
        var gateway = Gateway(("RateLimiting:GlobalPermitsPerSecond", "1"), ("RateLimiting:GlobalBurst", "3"));
        var statuses = await Statuses(10, i => Send(gateway, $"203.0.113.{20 + i}", Tokens.For($"crowd-org-{i}", Roles.Sme)));
        Assert.That(statuses, Does.Contain(429), string.Join(", ", statuses));
    }

    [Test]
    public async Task Minting_dev_tokens_is_limited_per_address()
    {
        var gateway = Gateway(("RateLimiting:DevTokensPerMinute", "2"));
        const string body = """{"organisation":"minter","role":"admin"}""";
        var fromOne = await Statuses(3, _ => Send(gateway, "203.0.113.40", null, method: "POST", path: "/api/dev/tokens", body: body));
        var fromAnother = await Send(gateway, "203.0.113.41", null, method: "POST", path: "/api/dev/tokens", body: body);
        Assert.Multiple(() =>
        {
            Assert.That(fromOne, Is.EqualTo(new[] { 200, 200, 429 }));
            Assert.That(fromAnother.Response.StatusCode, Is.EqualTo(200));
        });
    }
}
