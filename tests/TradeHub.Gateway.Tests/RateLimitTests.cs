using System.Net;
using TradeHub.Hosting.Auth;

namespace TradeHub.Gateway.Tests;

public sealed class RateLimitTests
{
    private FakeService _listings = null!;
    private GatewayFactory _gateway = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _listings = await FakeService.Start("listings");
        var down = FakeService.DownAddress();
        var settings = GatewayFactory.Settings(_listings.Address, down, down);
        settings["RateLimiting:PermitsPerSecond"] = "1";
        settings["RateLimiting:Burst"] = "2";
        _gateway = new GatewayFactory(settings);
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _gateway.DisposeAsync();
        await _listings.DisposeAsync();
    }

    [Test]
    public async Task An_organisation_over_its_rate_gets_429_with_retry_after_and_others_do_not()
    {
        using var busy = _gateway.ClientAs("busy-org", Roles.Sme);
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

        using var calm = _gateway.ClientAs("calm-org", Roles.Sme);
        using var other = await calm.GetAsync("/api/cargo-offers");
        Assert.That(other.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }
}
