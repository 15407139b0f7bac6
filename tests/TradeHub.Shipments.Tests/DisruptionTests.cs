using TradeHub.Routing.Contracts;
using TradeHub.Shipments.Contracts;

namespace TradeHub.Shipments.Tests;

/// <summary>
/// A closure ahead of a shipment in transit. The scenario's second leg runs Khorgos - Altynkol - Tashkent from hour 120
/// to 200, so it passes Altynkol (KZAKX) at hour 160, on day 6.
/// </summary>
public sealed class DisruptionTests
{
    private static async Task<Guid> InTransit(Scenario s)
    {
        var id = await s.BookByMatch();
        using var carrier = ShipmentsApp.As(s.Carrier1, "carrier");
        using var departed = await Scenario.Post(carrier, $"/api/shipments/{id}/events", Scenario.Event("d1", "DEPA", "CNTSN", s.At(24)));
        Assert.That((int)departed.StatusCode, Is.EqualTo(202), await departed.Content.ReadAsStringAsync());
        return id;
    }

    private static RouteNetworkChanged Closure(Scenario s, Guid disruptionId, string node, int fromDay, int toDay, bool lifted = false) => new()
    {
        NodeIds = [node], Reason = "disruption: Altynkol closed for repairs", ChangedAt = DateTimeOffset.UtcNow,
        DisruptionId = disruptionId, ClosedFrom = s.Ready.AddDays(fromDay), ClosedTo = s.Ready.AddDays(toDay), Lifted = lifted,
    };

    /// <summary>The reroute request a shipment waits on: shipments blocked alike share one.</summary>
    private static async Task<ShipmentRerouteRequested> RequestFor(Guid id)
    {
        var requestId = await ShipmentsApp.Scalar<Guid>(
            "SELECT request_id FROM shipment_disruptions WHERE shipment_id = @id ORDER BY requested_at DESC LIMIT 1", new { id });
        Assert.That(await ShipmentsApp.WaitPublished<ShipmentRerouteRequested>(r => r.RequestId == requestId), Is.EqualTo(1));
        return ShipmentsApp.Harness.Published.Select<ShipmentRerouteRequested>(p => p.Context.Message.RequestId == requestId)
            .Single().Context.Message;
    }

    private static async Task<DateTimeOffset> EstimatedArrival(Scenario s, Guid id)
    {
        using var shipper = ShipmentsApp.As(s.Shipper, "shipper");
        return (await Scenario.Get(shipper, $"/api/shipments/{id}")).GetProperty("estimatedArrival").GetDateTimeOffset();
    }

    [Test]
    public async Task A_closure_ahead_when_the_shipment_would_pass_makes_it_wait_and_asks_routing_for_a_way_around_from_its_position()
    {
        var s = new Scenario();
        var id = await InTransit(s);
        Assert.That(await EstimatedArrival(s, id), Is.EqualTo(s.At(200)));

        // Closed days 6 to 9: the shipment waits at Altynkol from hour 160 to the end of day 9 (hour 240), 80 h.
        await ShipmentsApp.Deliver(Closure(s, Guid.NewGuid(), "KZAKX", 6, 9));

        Assert.That(await EstimatedArrival(s, id), Is.EqualTo(s.At(280)));
        Assert.That(await ShipmentsApp.WaitPublished<ShipmentEstimatesChanged>(m => m.EtaChanged.Any(e => e.ShipmentId == id && e.EstimatedArrival == s.At(280))), Is.EqualTo(1));
        Assert.That(await ShipmentsApp.WaitPublished<ShipmentEstimatesChanged>(m => m.Delayed.Any(e => e.ShipmentId == id)), Is.EqualTo(1), "hour 280 is past deliver-by (the end of day 10)");
        var request = await RequestFor(id);
        Assert.Multiple(() =>
        {
            Assert.That(request.From, Is.EqualTo("CNTSN"), "from the shipment's position");
            Assert.That(request.To, Is.EqualTo("UZTAS"));
            Assert.That(request.Date, Is.EqualTo(s.Ready.AddDays(6)));
            Assert.That(request.Avoid, Is.EqualTo(new[] { "KZAKX" }));
        });
    }

    [Test]
    public async Task Routings_answer_becomes_the_shipments_exception_with_the_fastest_alternative_and_a_repeat_adds_nothing()
    {
        var s = new Scenario();
        var id = await InTransit(s);
        await ShipmentsApp.Deliver(Closure(s, Guid.NewGuid(), "KZAKX", 6, 9));
        var request = await RequestFor(id);
        var alternative = s.Routes().Routes[1];
        var answer = new AlternativeRoutesComputed
        {
            RequestId = request.RequestId, ShipmentId = id, From = request.From, To = request.To, Routes = [alternative],
            ComputedAt = DateTimeOffset.UtcNow,
        };

        await ShipmentsApp.Deliver(answer);
        await ShipmentsApp.Deliver(answer with { ComputedAt = DateTimeOffset.UtcNow });

        Assert.That(await ShipmentsApp.WaitPublished<ShipmentExceptionsRaised>(m => m.Exceptions.Any(e => e.ShipmentId == id)), Is.EqualTo(1));
        var exception = ShipmentsApp.Harness.Published.Select<ShipmentExceptionsRaised>().SelectMany(p => p.Context.Message.Exceptions).Single(e => e.ShipmentId == id);
        Assert.Multiple(() =>
        {
            Assert.That(exception.NodeIds, Is.EqualTo(new[] { "KZAKX" }));
            Assert.That(exception.Reason, Does.Contain("Altynkol"));
            Assert.That(exception.EstimatedArrival, Is.EqualTo(s.At(280)));
            Assert.That(exception.PartyOrgs, Is.EquivalentTo(new[] { s.Shipper, s.Carrier1, s.Carrier2 }));
            Assert.That(exception.Alternative!.Legs.Select(l => l.To), Is.EqualTo(new[] { "CNALK", "KZDOS", "UZTAS" }));
            Assert.That(exception.Alternative.TotalHours, Is.EqualTo(150));
        });
    }

    [Test]
    public async Task A_closure_the_shipment_passes_before_or_after_or_that_is_not_on_its_route_changes_nothing()
    {
        var s = new Scenario();
        var id = await InTransit(s);

        await ShipmentsApp.Deliver(Closure(s, Guid.NewGuid(), "KZAKX", 2, 5));
        await ShipmentsApp.Deliver(Closure(s, Guid.NewGuid(), "KZAKX", 7, 9));
        await ShipmentsApp.Deliver(Closure(s, Guid.NewGuid(), "KZDOS", 0, 30));
        // Tianjin is behind it: it departed from there.
        await ShipmentsApp.Deliver(Closure(s, Guid.NewGuid(), "CNTSN", 0, 30));

        Assert.That(await EstimatedArrival(s, id), Is.EqualTo(s.At(200)));
        Assert.That(await ShipmentsApp.Scalar<long>("SELECT count(*) FROM shipment_disruptions WHERE shipment_id = @id", new { id }), Is.Zero);
    }

    [Test]
    public async Task A_closure_over_more_shipments_than_a_chunk_reaches_each_once_tells_them_together_and_its_lift_in_chunks_gives_every_wait_back_once()
    {
        // The tests run closures in chunks of two (ShipmentsApp): five shipments take three chunks or more.
        var scenarios = Enumerable.Range(0, 5).Select(_ => new Scenario()).ToList();
        var ids = new List<Guid>();
        foreach (var s in scenarios) ids.Add(await InTransit(s));
        var closure = Closure(scenarios[0], Guid.NewGuid(), "KZAKX", 6, 9);

        await ShipmentsApp.Deliver(closure);
        await ShipmentsApp.Deliver(closure, Guid.NewGuid()); // the same closure again, as a redelivery under another id

        foreach (var (s, id) in scenarios.Zip(ids))
            Assert.That(await EstimatedArrival(s, id), Is.EqualTo(s.At(280)), "waited once, not twice");
        Assert.That(await ShipmentsApp.Scalar<long>(
            "SELECT count(*) FROM shipment_disruptions WHERE disruption_id = @Id AND shipment_id = ANY(@Ids)",
            new { Id = closure.DisruptionId, Ids = ids.ToArray() }), Is.EqualTo(5));
        foreach (var id in ids)
            Assert.That(await ShipmentsApp.WaitPublished<ShipmentEstimatesChanged>(m => m.EtaChanged.Any(e => e.ShipmentId == id)), Is.EqualTo(1));
        var messages = ShipmentsApp.Harness.Published.Select<ShipmentEstimatesChanged>(
            p => p.Context.Message.EtaChanged.Any(e => ids.Contains(e.ShipmentId))).Count();
        Assert.That(messages, Is.LessThan(5), "changes of one chunk are told in one message");

        // The lift goes in chunks too; a redelivery of it finds no wait left to give back.
        var lift = closure with { Lifted = true, Reason = "disruption lifted: Altynkol closed for repairs" };
        await ShipmentsApp.Deliver(lift);
        await ShipmentsApp.Deliver(lift, Guid.NewGuid());
        foreach (var (s, id) in scenarios.Zip(ids))
            Assert.That(await EstimatedArrival(s, id), Is.EqualTo(s.At(200)), "given back once");
        Assert.That(await ShipmentsApp.Scalar<long>("SELECT count(*) FROM shipment_disruptions WHERE disruption_id = @Id",
            new { Id = closure.DisruptionId }), Is.Zero);
    }

    [Test]
    public async Task Every_shipment_that_shares_a_reroute_request_gets_the_answer_as_its_exception()
    {
        var (a, b) = (new Scenario(), new Scenario());
        var first = await InTransit(a);
        var second = await InTransit(b);
        var disruptionId = Guid.NewGuid();
        await ShipmentsApp.Deliver(Closure(a, disruptionId, "KZAKX", 6, 9));
        var request = await RequestFor(first);
        // Both wait at Tianjin for Tashkent, passing Altynkol on day 6: in one chunk they share the request. Chunks of
        // two in these tests may part them, so the second is joined to the first's request here.
        await ShipmentsApp.Scalar<int>(
            "UPDATE shipment_disruptions SET request_id = @R WHERE shipment_id = @Id AND disruption_id = @D RETURNING 1",
            new { R = request.RequestId, Id = second, D = disruptionId });

        await ShipmentsApp.Deliver(new AlternativeRoutesComputed
        {
            RequestId = request.RequestId, ShipmentId = request.ShipmentId, From = request.From, To = request.To,
            Routes = [a.Routes().Routes[1]], ComputedAt = DateTimeOffset.UtcNow,
        });

        Assert.That(await ShipmentsApp.WaitPublished<ShipmentExceptionsRaised>(m => m.Exceptions.Any(e => e.ShipmentId == first && e.Alternative != null)), Is.EqualTo(1));
        Assert.That(await ShipmentsApp.WaitPublished<ShipmentExceptionsRaised>(m => m.Exceptions.Any(e => e.ShipmentId == second && e.Alternative != null)), Is.EqualTo(1));
        var told = ShipmentsApp.Harness.Published.Select<ShipmentExceptionsRaised>(
            p => p.Context.Message.Exceptions.Any(e => e.ShipmentId == first)).Single().Context.Message;
        // Shipments of other tests booked over the same days and blocked alike may share the request (chunks of two
        // pair them by id), so the message holds at least these two.
        Assert.That(told.Exceptions.Select(e => e.ShipmentId), Is.SupersetOf(new[] { first, second }), "one message for the request's shipments");
        Assert.That(told.Exceptions.Select(e => e.Id).Distinct().Count(), Is.EqualTo(told.Exceptions.Count), "each exception its own id, for its live event and webhooks");
    }

    [Test]
    public async Task A_closed_leg_ahead_blocks_in_either_direction_and_lifting_it_gives_the_wait_back()
    {
        var s = new Scenario();
        var id = await InTransit(s);
        var disruptionId = Guid.NewGuid();
        // The leg Altynkol - Khorgos, named the other way round: entered at Khorgos at hour 120 (day 5).
        var closure = Closure(s, disruptionId, "KZAKX", 5, 5) with { NodeIds = ["KZAKX", "CNKHG"], LegIds = ["KZAKX-CNKHG"] };

        await ShipmentsApp.Deliver(closure);
        Assert.That(await EstimatedArrival(s, id), Is.EqualTo(s.At(224)), "waits from hour 120 to the end of day 5");

        await ShipmentsApp.Deliver(closure with { Lifted = true, Reason = "disruption lifted: Altynkol closed for repairs" });
        Assert.That(await EstimatedArrival(s, id), Is.EqualTo(s.At(200)));
    }

    [Test]
    public async Task A_booked_shipment_not_yet_departed_is_re_estimated_and_routing_is_asked_for_a_way_around_from_its_origin()
    {
        var s = new Scenario();
        var id = await s.BookByMatch();
        Assert.That(await EstimatedArrival(s, id), Is.EqualTo(s.At(200)));

        // As planned it passes Altynkol at hour 160 (day 6); closed days 6 to 9, it waits to hour 240.
        await ShipmentsApp.Deliver(Closure(s, Guid.NewGuid(), "KZAKX", 6, 9));

        Assert.That(await EstimatedArrival(s, id), Is.EqualTo(s.At(280)));
        Assert.That(await ShipmentsApp.WaitPublished<ShipmentEstimatesChanged>(m => m.EtaChanged.Any(e => e.ShipmentId == id && e.EstimatedArrival == s.At(280))), Is.EqualTo(1));
        var request = await RequestFor(id);
        using var shipper = ShipmentsApp.As(s.Shipper, "shipper");
        var shipment = await Scenario.Get(shipper, $"/api/shipments/{id}");
        Assert.Multiple(() =>
        {
            Assert.That(request.From, Is.EqualTo("CNTSN"), "from its origin: it has not left");
            Assert.That(request.To, Is.EqualTo("UZTAS"));
            Assert.That(request.Date, Is.EqualTo(s.Ready.AddDays(6)));
            Assert.That(shipment.GetProperty("status").GetString(), Is.EqualTo("booked"), "a closure is no departure");
        });
    }

    [Test]
    public async Task A_booked_shipment_whose_route_is_blocked_gets_the_alternative_as_its_exception()
    {
        var s = new Scenario();
        var id = await s.BookByMatch();
        await ShipmentsApp.Deliver(Closure(s, Guid.NewGuid(), "KZAKX", 6, 9));
        var request = await RequestFor(id);

        await ShipmentsApp.Deliver(new AlternativeRoutesComputed
        {
            RequestId = request.RequestId, ShipmentId = id, From = request.From, To = request.To, Routes = [s.Routes().Routes[1]],
            ComputedAt = DateTimeOffset.UtcNow,
        });

        Assert.That(await ShipmentsApp.WaitPublished<ShipmentExceptionsRaised>(m => m.Exceptions.Any(e => e.ShipmentId == id)), Is.EqualTo(1));
        var exception = ShipmentsApp.Harness.Published.Select<ShipmentExceptionsRaised>().SelectMany(p => p.Context.Message.Exceptions).Single(e => e.ShipmentId == id);
        Assert.Multiple(() =>
        {
            Assert.That(exception.NodeIds, Is.EqualTo(new[] { "KZAKX" }));
            Assert.That(exception.EstimatedArrival, Is.EqualTo(s.At(280)));
            Assert.That(exception.Alternative!.From, Is.EqualTo("CNTSN"));
            Assert.That(exception.Alternative.Legs.Select(l => l.To), Is.EqualTo(new[] { "CNALK", "KZDOS", "UZTAS" }));
        });
    }

    [Test]
    public async Task A_closure_of_a_booked_shipments_origin_when_it_would_leave_holds_its_departure_and_lifting_it_gives_the_time_back()
    {
        var s = new Scenario();
        var id = await s.BookByMatch();
        var disruptionId = Guid.NewGuid();
        // Planned to leave Tianjin at hour 24 (day 1); closed days 1 and 2, it leaves at hour 72 and arrives at Khorgos
        // at hour 132, past the second leg's planned departure (hour 120): 12 h later at Tashkent.
        var closure = Closure(s, disruptionId, "CNTSN", 1, 2);

        await ShipmentsApp.Deliver(closure);
        Assert.That(await EstimatedArrival(s, id), Is.EqualTo(s.At(212)));

        await ShipmentsApp.Deliver(closure with { Lifted = true, Reason = "disruption lifted: Tianjin closed" });
        Assert.That(await EstimatedArrival(s, id), Is.EqualTo(s.At(200)));
    }

    [Test]
    public async Task A_closure_a_booked_shipment_passes_before_or_after_changes_nothing()
    {
        var s = new Scenario();
        var id = await s.BookByMatch();
        await ShipmentsApp.Deliver(Closure(s, Guid.NewGuid(), "KZAKX", 2, 5));
        await ShipmentsApp.Deliver(Closure(s, Guid.NewGuid(), "KZAKX", 7, 9));
        Assert.That(await EstimatedArrival(s, id), Is.EqualTo(s.At(200)));
        Assert.That(await ShipmentsApp.Scalar<long>("SELECT count(*) FROM shipment_disruptions WHERE shipment_id = @id", new { id }), Is.Zero);
    }

    [Test]
    public async Task One_closure_reaches_every_shipment_whose_route_ahead_crosses_it_in_transit_and_booked_alike_and_its_lift_gives_every_wait_back()
    {
        var moving = new Scenario();
        var movingId = await InTransit(moving);
        var booked = new Scenario();
        var bookedId = await booked.BookByMatch();
        var ids = new[] { movingId, bookedId };
        var disruptionId = Guid.NewGuid();
        var closure = Closure(moving, disruptionId, "KZAKX", 6, 9);

        await ShipmentsApp.Deliver(closure);

        var movingArrival = await EstimatedArrival(moving, movingId);
        var bookedArrival = await EstimatedArrival(booked, bookedId);
        var waits = await ShipmentsApp.Scalar<long>(
            "SELECT count(*) FROM shipment_disruptions WHERE disruption_id = @disruptionId AND shipment_id = ANY(@ids)",
            new { disruptionId, ids });
        Assert.Multiple(() =>
        {
            Assert.That(movingArrival, Is.EqualTo(moving.At(280)));
            Assert.That(bookedArrival, Is.EqualTo(booked.At(280)));
            Assert.That(waits, Is.EqualTo(2));
        });
        foreach (var id in ids)
        {
            Assert.That(await ShipmentsApp.WaitPublished<ShipmentEstimatesChanged>(m => m.EtaChanged.Any(e => e.ShipmentId == id && e.Cause == closure.Reason)), Is.EqualTo(1));
            Assert.That((await RequestFor(id)).To, Is.EqualTo("UZTAS"));
        }

        await ShipmentsApp.Deliver(closure with { Lifted = true, Reason = "disruption lifted: Altynkol closed for repairs" });

        Assert.That(await EstimatedArrival(moving, movingId), Is.EqualTo(moving.At(200)));
        Assert.That(await EstimatedArrival(booked, bookedId), Is.EqualTo(booked.At(200)));
    }

    [Test]
    public async Task A_closure_handled_after_its_lift_reaches_no_shipment()
    {
        var s = new Scenario();
        var id = await InTransit(s);
        var disruptionId = Guid.NewGuid();
        var closure = Closure(s, disruptionId, "KZAKX", 6, 9);

        await ShipmentsApp.Deliver(closure with { Lifted = true, Reason = "disruption lifted: Altynkol closed for repairs" });
        await ShipmentsApp.Deliver(closure);

        Assert.That(await EstimatedArrival(s, id), Is.EqualTo(s.At(200)));
        Assert.That(await ShipmentsApp.Scalar<long>("SELECT count(*) FROM shipment_disruptions WHERE disruption_id = @disruptionId",
            new { disruptionId }), Is.Zero);
    }
}
