using TradeHub.Matching.Flows;

namespace TradeHub.Matching.Tests.Engine;

public class FlowQueryTests
{
    [Test]
    public void An_unknown_group_is_refused_naming_groupBy()
    {
        var ok = FlowsApi.TryRead(null, null, null, "price", null, null, out _, out var errors);

        Assert.That(ok, Is.False);
        Assert.That(errors.Keys, Is.EqualTo(new[] { "groupBy" }));
    }

    [Test]
    public void Bad_or_reversed_dates_are_refused_naming_the_field()
    {
        FlowsApi.TryRead(null, null, null, "month", "2026-13-01", null, out _, out var bad);
        FlowsApi.TryRead(null, null, null, "month", "2026-05-01", "2026-04-01", out _, out var reversed);

        Assert.That(bad.Keys, Is.EqualTo(new[] { "since" }));
        Assert.That(reversed.Keys, Is.EqualTo(new[] { "until" }));
    }

    [Test]
    public void Csv_has_a_header_and_one_line_per_group_with_risky_cells_quoted()
    {
        var csv = FlowsApi.Csv([("CNTSN", "UZTAS", "rail", 2, 1, 0, 3, 40000.5m), ("CNTSN", "BYMSQ", "=cmd,x", 1, 0, 0, 1, 100m)], "mode");

        Assert.That(csv, Is.EqualTo(
            "origin,destination,mode,matches,shipped,delivered,containers,weightKg\n" +
            "CNTSN,UZTAS,rail,2,1,0,3,40000.5\n" +
            "CNTSN,BYMSQ,\"'=cmd,x\",1,0,0,1,100\n"));
    }

    [TestCase("=1+1", "'=1+1")]
    [TestCase("\t=1+1", "'\t=1+1")]
    [TestCase("\r=1+1", "\"'\r=1+1\"")]
    [TestCase("@SUM(A1)", "'@SUM(A1)")]
    [TestCase("rail", "rail")]
    public void Csv_cells_that_a_spreadsheet_would_run_are_defused(string value, string cell) =>
        Assert.That(FlowsApi.Cell(value), Is.EqualTo(cell));
}
