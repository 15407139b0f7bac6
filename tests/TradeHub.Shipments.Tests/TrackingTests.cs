using System.Net;
using TradeHub.Shipments.Contracts;

namespace TradeHub.Shipments.Tests;

public sealed class TrackingTests
{
    private static string Events(Guid id) => $"/api/shipments/{id}/events";

    [Test]
    public async Task A_carriers_departure_puts_the_shipment_in_transit_and_a_repeat_changes_nothing()
    {
        var s = new Scenario();
        var id = await s.BookByMatch();
        using var carrier = ShipmentsApp.As(s.Carrier1, "carrier");

        using var first = await Scenario.Post(carrier, Events(id), Scenario.Event("e1", "DEPA", "CNTSN", s.At(24)));
        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await first.Content.ReadAsStringAsync());
        using var again = await Scenario.Post(carrier, Events(id), Scenario.Event("e1", "DEPA", "CNTSN", s.At(30)));
        var answer = await Scenario.Body(again);
        Assert.That(answer.GetProperty("accepted")[0].GetProperty("duplicate").GetBoolean(), Is.True);

        var shipment = await Scenario.Get(carrier, $"/api/shipments/{id}");
        Assert.Multiple(() =>
        {
            Assert.That(shipment.GetProperty("status").GetString(), Is.EqualTo("in_transit"));
            Assert.That(shipment.GetProperty("legs")[0].GetProperty("actualDeparture").GetDateTimeOffset(), Is.EqualTo(s.At(24)));
            Assert.That(shipment.GetProperty("position").GetProperty("location").GetString(), Is.EqualTo("CNTSN"));
        });
        Assert.That(await ShipmentsApp.Scalar<long>("SELECT count(*) FROM tracking_events WHERE shipment_id = @id", new { id }), Is.EqualTo(1));
    }

    [Test]
    public async Task A_departure_late_beyond_the_plans_slack_moves_the_eta_and_tells_the_parties()
    {
        var s = new Scenario();
        var id = await s.BookByMatch();
        using var carrier = ShipmentsApp.As(s.Carrier1, "carrier");

        // 9 h late: the 36 h of slack at Khorgos absorb it.
        using var late = await Scenario.Post(carrier, Events(id), Scenario.Event("d1", "DEPA", "CNTSN", s.At(33)));
        Assert.That(late.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        var shipment = await Scenario.Get(carrier, $"/api/shipments/{id}");
        Assert.That(shipment.GetProperty("estimatedArrival").GetDateTimeOffset(), Is.EqualTo(s.At(200)));

        // Corrected to 40 h late: 4 h past the slack.
        using var later = await Scenario.Post(carrier, Events(id), Scenario.Event("d2", "DEPA", "CNTSN", s.At(64), retracted: null));
        shipment = await Scenario.Get(carrier, $"/api/shipments/{id}");
        Assert.That(shipment.GetProperty("estimatedArrival").GetDateTimeOffset(), Is.EqualTo(s.At(204)));
        Assert.That(await ShipmentsApp.WaitPublished<ShipmentEtaChanged>(e => e.ShipmentId == id), Is.EqualTo(1));
    }

    [Test]
    public async Task A_retraction_withdraws_the_event_it_names()
    {
        var s = new Scenario();
        var id = await s.BookByMatch();
        using var carrier = ShipmentsApp.As(s.Carrier1, "carrier");
        await Scenario.Post(carrier, Events(id), Scenario.Event("x1", "DEPA", "CNTSN", s.At(64)));
        using var retraction = await Scenario.Post(carrier, Events(id), new { eventId = "x2", retractedEventId = "x1" });
        Assert.That(retraction.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await retraction.Content.ReadAsStringAsync());
        var shipment = await Scenario.Get(carrier, $"/api/shipments/{id}");
        Assert.Multiple(() =>
        {
            Assert.That(shipment.GetProperty("legs")[0].TryGetProperty("actualDeparture", out var d) && d.ValueKind != System.Text.Json.JsonValueKind.Null, Is.False);
            Assert.That(shipment.GetProperty("estimatedArrival").GetDateTimeOffset(), Is.EqualTo(s.At(200)));
        });
    }

    [Test]
    public async Task An_estimate_past_deliver_by_marks_the_shipment_delayed()
    {
        var s = new Scenario();
        var id = await s.BookByMatch();
        using var carrier = ShipmentsApp.As(s.Carrier2, "carrier");
        using var response = await Scenario.Post(carrier, Events(id), Scenario.Event("k1", "DEPA", "CNKHG", s.At(9 * 24)));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        var shipment = await Scenario.Get(carrier, $"/api/shipments/{id}");
        Assert.That(shipment.GetProperty("delayed").GetBoolean(), Is.True);
        Assert.That(await ShipmentsApp.WaitPublished<ShipmentDelayed>(e => e.ShipmentId == id), Is.EqualTo(1));
    }

    [Test]
    public async Task Impossible_events_are_refused_naming_the_field()
    {
        var s = new Scenario();
        var id = await s.BookByMatch();
        using var carrier1 = ShipmentsApp.As(s.Carrier1, "carrier");
        using var carrier2 = ShipmentsApp.As(s.Carrier2, "carrier");
        await Scenario.Post(carrier1, Events(id), Scenario.Event("dep", "DEPA", "CNTSN", s.At(30)));

        var cases = new (HttpClient Client, object Body, string Field)[]
        {
            (carrier1, Scenario.Event("a", "ARRI", "BYMSQ", s.At(80)), "location"),
            (carrier1, Scenario.Event("b", "DEPA", "KZAKX", s.At(130)), "location"),
            (carrier2, Scenario.Event("c", "ARRI", "CNTSN", s.At(80)), "location"),
            (carrier1, Scenario.Event("d", "ARRI", "CNKHG", DateTimeOffset.UtcNow.AddDays(2)), "eventDateTime"),
            (carrier1, Scenario.Event("e", "ARRI", "CNKHG", s.At(20)), "eventDateTime"),
            (carrier1, Scenario.Event("f", "SAIL", "CNKHG", s.At(90)), "type"),
            (carrier1, Scenario.Event("g", "ARRI", "CNKHG", s.At(90), classifier: "PLN"), "classifier"),
            (carrier1, new { eventId = "h", type = "ARRI", location = "CNKHG" }, "eventDateTime"),
            (carrier1, new { events = Array.Empty<object>() }, "events"),
        };
        foreach (var (client, body, field) in cases)
        {
            using var response = await Scenario.Post(client, Events(id), body);
            var text = await response.Content.ReadAsStringAsync();
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), text);
            Assert.That((await Scenario.Body(response)).GetProperty("errors").EnumerateObject().Select(p => p.Name),
                Has.Some.EqualTo(field), text);
        }
    }

    [Test]
    public async Task A_batch_answers_with_accepted_and_refused_events()
    {
        var s = new Scenario();
        var id = await s.BookByMatch();
        using var carrier = ShipmentsApp.As(s.Carrier1, "carrier");
        var events = Enumerable.Range(0, 100).Select(i => Scenario.Event($"g{i}", "GTOT", "CNTSN", s.At(20 + i * 0.01)))
            .Append(Scenario.Event("off", "GTIN", "BYMSQ", s.At(21))).ToArray();
        using var response = await Scenario.Post(carrier, Events(id), new { events });
        var answer = await Scenario.Body(response);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        Assert.That(answer.GetProperty("accepted").GetArrayLength(), Is.EqualTo(100));
        Assert.That(answer.GetProperty("refused")[0].GetProperty("field").GetString(), Is.EqualTo("location"));
        Assert.That(answer.GetProperty("refused")[0].GetProperty("index").GetInt32(), Is.EqualTo(100));

        using var tooMany = await Scenario.Post(carrier, Events(id),
            new { events = Enumerable.Range(0, 501).Select(i => Scenario.Event($"m{i}", "GTOT", "CNTSN", s.At(20))).ToArray() });
        Assert.That(tooMany.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task Strangers_get_404_and_the_shipper_cannot_post_carrier_events()
    {
        var s = new Scenario();
        var id = await s.BookByMatch();
        using var stranger = ShipmentsApp.As(s.Stranger, "carrier");
        using var shipper = ShipmentsApp.As(s.Shipper, "sme");
        using var get = await stranger.GetAsync($"/api/shipments/{id}");
        using var timeline = await stranger.GetAsync(Events(id));
        using var post = await Scenario.Post(stranger, Events(id), Scenario.Event("s1", "DEPA", "CNTSN", s.At(24)));
        using var byShipper = await Scenario.Post(shipper, Events(id), Scenario.Event("s2", "DEPA", "CNTSN", s.At(24)));
        using var list = await stranger.GetAsync("/api/shipments");
        Assert.Multiple(async () =>
        {
            Assert.That(get.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(timeline.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(post.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(byShipper.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That((await Scenario.Body(list)).GetProperty("items").GetArrayLength(), Is.Zero);
        });
    }

    [Test]
    public async Task The_timeline_shows_planned_estimated_and_actual_oldest_first()
    {
        var s = new Scenario();
        var id = await s.BookByMatch();
        using var carrier = ShipmentsApp.As(s.Carrier1, "carrier");
        await Scenario.Post(carrier, Events(id), Scenario.Event("t1", "DEPA", "CNTSN", s.At(26)));
        using var shipper = ShipmentsApp.As(s.Shipper, "sme");
        var items = (await Scenario.Get(shipper, Events(id))).GetProperty("items").EnumerateArray().ToList();
        var times = items.Select(i => i.GetProperty("eventDateTime").GetDateTimeOffset()).ToList();
        Assert.That(times, Is.Ordered);
        Assert.That(items.Select(i => i.GetProperty("classifier").GetString()).Distinct(), Is.EquivalentTo(new[] { "PLN", "EST", "ACT" }));
    }

    [Test]
    public async Task The_shipper_confirms_delivery_and_a_carrier_cannot()
    {
        var s = new Scenario();
        var id = await s.BookByMatch();
        using var carrier = ShipmentsApp.As(s.Carrier1, "carrier");
        using var shipper = ShipmentsApp.As(s.Shipper, "sme");
        using var byCarrier = await Scenario.Post(carrier, $"/api/shipments/{id}/delivery", new { deliveredAt = s.At(199) });
        using var missing = await Scenario.Post(shipper, $"/api/shipments/{id}/delivery", new { note = "x" });
        using var delivered = await Scenario.Post(shipper, $"/api/shipments/{id}/delivery", new { deliveredAt = s.At(199) });
        using var twice = await Scenario.Post(shipper, $"/api/shipments/{id}/delivery", new { deliveredAt = s.At(199) });
        Assert.Multiple(async () =>
        {
            Assert.That(byCarrier.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That((await Scenario.Body(missing)).GetProperty("errors").TryGetProperty("deliveredAt", out _), Is.True);
            Assert.That(delivered.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That((await Scenario.Body(delivered)).GetProperty("status").GetString(), Is.EqualTo("delivered"));
            Assert.That(twice.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        });
        Assert.That(await ShipmentsApp.WaitPublished<ShipmentDelivered>(e => e.ShipmentId == id && e.OnTime), Is.EqualTo(1));
    }

    [Test]
    public async Task Lists_page_with_a_cursor_and_filter_by_status()
    {
        var s = new Scenario();
        await s.BookByMatch();
        using var carrier = ShipmentsApp.As(s.Carrier1, "carrier");
        var page = await Scenario.Get(carrier, "/api/shipments?limit=1&status=booked");
        Assert.That(page.GetProperty("items").GetArrayLength(), Is.EqualTo(1));
        using var bad = await carrier.GetAsync("/api/shipments?status=lost&limit=0");
        var errors = (await Scenario.Body(bad)).GetProperty("errors");
        Assert.That(errors.TryGetProperty("limit", out _), Is.True);
    }
}
