using System.Net;

namespace TradeHub.Shipments.Tests;

public sealed class SharingAndPerformanceTests
{
    [Test]
    public async Task A_share_link_shows_milestones_without_parties_or_ids_until_revoked()
    {
        var s = new Scenario();
        var id = await s.BookByMatch();
        using var shipper = ShipmentsApp.As(s.Shipper, "sme");
        using var carrier = ShipmentsApp.As(s.Carrier1, "carrier");
        using var byCarrier = await carrier.PostAsync($"/api/shipments/{id}/share", null);
        Assert.That(byCarrier.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));

        using var created = await shipper.PostAsync($"/api/shipments/{id}/share", null);
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var token = (await Scenario.Body(created)).GetProperty("token").GetString()!;
        Assert.That(Convert.FromBase64String(token.Replace('-', '+').Replace('_', '/') + "="), Has.Length.GreaterThanOrEqualTo(16));

        using var anonymous = ShipmentsApp.Anonymous();
        using var tracked = await anonymous.GetAsync($"/api/track/{token}");
        var text = await tracked.Content.ReadAsStringAsync();
        Assert.That(tracked.StatusCode, Is.EqualTo(HttpStatusCode.OK), text);
        Assert.That(text, Does.Contain("UZTAS").And.Not.Contain(s.Shipper).And.Not.Contain(s.Carrier1)
            .And.Not.Contain(id.ToString()).And.Not.Contain(s.CargoOfferId.ToString()));

        using var revoked = await shipper.DeleteAsync($"/api/shipments/{id}/share");
        Assert.That(revoked.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        using var gone = await anonymous.GetAsync($"/api/track/{token}");
        Assert.That(gone.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task Corridor_performance_is_for_trade_offices_and_withholds_groups_under_three()
    {
        // A corridor of its own, so other tests' shipments do not join the group.
        var origin = "CN" + Guid.NewGuid().ToString("N")[..3].ToUpperInvariant();
        using var office = ShipmentsApp.As("tianjin-trade-office", "trade_office");
        using var sme = ShipmentsApp.As("tianjin-textiles", "sme");
        using var forbidden = await sme.GetAsync("/api/corridors/performance");
        Assert.That(forbidden.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));

        for (var i = 0; i < 3; i++)
        {
            var s = new Scenario();
            await ShipmentsApp.Deliver(s.Routes(s.Cargo() with { Origin = origin }));
            await ShipmentsApp.Deliver(s.CapacityFirst());
            await ShipmentsApp.Deliver(s.CapacitySecond());
            await ShipmentsApp.Deliver(s.Match());
            var id = await ShipmentsApp.Scalar<Guid>("SELECT id FROM shipments WHERE cargo_offer_id = @Id", new { Id = s.CargoOfferId });
            using var carrier1 = ShipmentsApp.As(s.Carrier1, "carrier");
            using var carrier2 = ShipmentsApp.As(s.Carrier2, "carrier");
            await Scenario.Post(carrier1, $"/api/shipments/{id}/events", Scenario.Event("d", "DEPA", "CNTSN", s.At(24)));
            await Scenario.Post(carrier2, $"/api/shipments/{id}/events", new
            {
                events = new[]
                {
                    Scenario.Event("k", "DEPA", "CNKHG", s.At(120)),
                    Scenario.Event("c1", "CUSS", "CNKHG", s.At(121)),
                    Scenario.Event("c2", "CUSR", "KZAKX", s.At(130 + i)),
                },
            });
            if (i < 2)
            {
                var withheld = await Scenario.Get(office, $"/api/corridors/performance?origin={origin}");
                Assert.That(withheld.GetArrayLength(), Is.Zero, "fewer than three shipments are withheld");
            }
            using var shipper = ShipmentsApp.As(s.Shipper, "sme");
            await Scenario.Post(shipper, $"/api/shipments/{id}/delivery", new { deliveredAt = s.At(200) });
        }
        var groups = await Scenario.Get(office, $"/api/corridors/performance?origin={origin}");
        Assert.That(groups.GetArrayLength(), Is.EqualTo(1));
        var group = groups[0];
        Assert.Multiple(() =>
        {
            Assert.That(group.GetProperty("corridor").GetString(), Is.EqualTo($"{origin}-UZTAS"));
            Assert.That(group.GetProperty("shipments").GetInt32(), Is.EqualTo(3));
            Assert.That(group.GetProperty("delivered").GetInt32(), Is.EqualTo(3));
            Assert.That(group.GetProperty("onTimeShare").GetDouble(), Is.EqualTo(1.0));
            Assert.That(group.GetProperty("transitDaysP50").GetDouble(), Is.EqualTo(176 / 24.0).Within(0.01));
            Assert.That(group.GetProperty("borderDwellHoursP50").GetDouble(), Is.EqualTo(11));
        });
        var crossings = await Scenario.Get(office, $"/api/corridors/performance?origin={origin}&groupBy=crossing");
        Assert.That(crossings[0].GetProperty("crossing").GetString(), Is.EqualTo("CNKHG-KZAKX"));
        using var bad = await office.GetAsync("/api/corridors/performance?groupBy=carrier");
        Assert.That((await Scenario.Body(bad)).GetProperty("errors").TryGetProperty("groupBy", out _), Is.True);
    }
}
