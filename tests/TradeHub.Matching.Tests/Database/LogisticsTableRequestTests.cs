using TradeHub.Matching.Offers;

namespace TradeHub.Matching.Tests.Database;

/// <summary>Matching asks Routing for the logistics cost table while it has none, and only then.</summary>
public class LogisticsTableRequestTests : ConsumerRig
{
    [Test]
    public async Task Without_a_table_Matching_asks_for_one_and_with_one_it_does_not()
    {
        Assert.That(await LogisticsTableRequest.RequestIfMissing(Outbox, default), Is.True);
        Assert.That(await Outboxed("LogisticsCostTableRequested"), Is.EqualTo(1));

        await Scalar<int>("INSERT INTO logistics_table (id, version, pairs) VALUES (1, 1, '[]') RETURNING id");
        Assert.That(await LogisticsTableRequest.RequestIfMissing(Outbox, default), Is.False);
        Assert.That(await Outboxed("LogisticsCostTableRequested"), Is.EqualTo(1));
    }
}
