using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using TradeHub.Routing.Contracts;
using TradeHub.Shipments.Contracts;

namespace TradeHub.Routing.Tests.Api;

/// <summary>Shipments asks, through the bus, for a way around a closure from a shipment's position.</summary>
public class ShipmentRerouteTests
{
    private static async Task<List<AlternativeRoutesComputed>> Answers(ITestHarness harness, Guid requestId, int atLeast)
    {
        for (var i = 0; i < 100 && harness.Published.Select<AlternativeRoutesComputed>().Count(m => m.Context.Message.RequestId == requestId) < atLeast; i++)
            await Task.Delay(100);
        return harness.Published.Select<AlternativeRoutesComputed>().Select(m => m.Context.Message)
            .Where(m => m.RequestId == requestId).ToList();
    }

    [Test]
    public async Task A_reroute_request_is_answered_once_with_the_fastest_routes_from_the_position_that_avoid_the_closed_node()
    {
        var harness = RoutingApp.Factory.Services.GetRequiredService<ITestHarness>();
        var request = new ShipmentRerouteRequested
        {
            RequestId = Guid.NewGuid(), ShipmentId = Guid.NewGuid(), From = "CNTSN", To = "UZTAS", Date = new DateOnly(2027, 3, 5),
            Avoid = ["CNKHG"], RequestedAt = DateTimeOffset.UtcNow,
        };
        var messageId = Guid.NewGuid();

        await harness.Bus.Publish(request, ctx => ctx.MessageId = messageId);
        await harness.Bus.Publish(request, ctx => ctx.MessageId = messageId);
        var answers = await Answers(harness, request.RequestId, 1);
        for (var i = 0; i < 50 && harness.Consumed.Select<ShipmentRerouteRequested>().Count(m => m.Context.MessageId == messageId) < 2; i++)
            await Task.Delay(100);
        await Task.Delay(300);
        answers = await Answers(harness, request.RequestId, 1);

        Assert.That(answers, Has.Count.EqualTo(1));
        var answer = answers[0];
        Assert.Multiple(() =>
        {
            Assert.That(answer.ShipmentId, Is.EqualTo(request.ShipmentId));
            Assert.That(answer.Routes, Is.Not.Empty);
            Assert.That(answer.Routes, Has.Count.LessThanOrEqualTo(3));
            Assert.That(answer.Routes.SelectMany(r => r.Legs).SelectMany(l => new[] { l.From, l.To }), Has.None.EqualTo("CNKHG"));
            Assert.That(answer.Routes.Select(r => r.Legs[0].From), Is.All.EqualTo("CNTSN"));
            Assert.That(answer.Routes.Select(r => r.TotalHours), Is.Ordered, "fastest first");
        });
    }

    [Test]
    public async Task A_reroute_request_from_a_closed_position_is_answered_with_no_route_and_the_reason()
    {
        var harness = RoutingApp.Factory.Services.GetRequiredService<ITestHarness>();
        var request = new ShipmentRerouteRequested
        {
            RequestId = Guid.NewGuid(), ShipmentId = Guid.NewGuid(), From = "CNKHG", To = "UZTAS", Date = new DateOnly(2027, 3, 5),
            Avoid = ["UZTAS"], RequestedAt = DateTimeOffset.UtcNow,
        };
        await harness.Bus.Publish(request);

        var answers = await Answers(harness, request.RequestId, 1);
        Assert.That(answers, Has.Count.EqualTo(1));
        Assert.That(answers[0].Routes, Is.Empty);
        Assert.That(answers[0].Reason, Is.Not.Null.And.Not.Empty);
    }
}
