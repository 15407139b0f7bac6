using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace TradeHub.Routing.Tests.Api;

public class RoutesApiTests
{
    private static async Task<(HttpStatusCode Status, JsonElement Body)> Get(string url, HttpClient? client = null)
    {
        var response = await (client ?? RoutingApp.Client()).GetAsync(url);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private static void AssertFieldProblem(HttpStatusCode status, JsonElement body, string field)
    {
        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(body.GetProperty("type").GetString(), Does.Contain("rfc9110#section-15.5.1"));
        Assert.That(body.GetProperty("errors").TryGetProperty(field, out _), Is.True, $"field {field} named in {body}");
    }

    [Test]
    public async Task Routes_from_Tianjin_to_Tashkent_come_best_first_and_exact()
    {
        var (status, body) = await Get("/api/routes?from=CNTSN&to=UZTAS&objective=fastest&readyDate=2026-12-01");
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(body.GetProperty("exact").GetBoolean(), Is.True);
        Assert.That(body.GetProperty("epsilon").GetDouble(), Is.EqualTo(0));
        var first = body.GetProperty("routes")[0];
        Assert.That(first.GetProperty("id").GetString(), Does.StartWith("r-"));
        Assert.That(first.GetProperty("gaugeChanges").GetInt32(), Is.EqualTo(1));
        Assert.That(first.GetProperty("borderCrossings").GetInt32(), Is.EqualTo(2));
        Assert.That(first.GetProperty("legs")[0].GetProperty("from").GetString(), Is.EqualTo("CNTSN"));
    }

    [Test]
    public async Task Same_origin_and_destination_is_refused_naming_to()
    {
        var (status, body) = await Get("/api/routes?from=CNTSN&to=CNTSN");
        AssertFieldProblem(status, body, "to");
    }

    [Test]
    public async Task Unknown_node_is_refused_naming_from()
    {
        var (status, body) = await Get("/api/routes?from=XXNOPE&to=UZTAS");
        AssertFieldProblem(status, body, "from");
    }

    [Test]
    public async Task Bad_objective_is_refused_naming_objective()
    {
        var (status, body) = await Get("/api/routes?from=CNTSN&to=UZTAS&objective=scenic");
        AssertFieldProblem(status, body, "objective");
    }

    [TestCase("0")]
    [TestCase("21")]
    [TestCase("five")]
    public async Task Max_out_of_range_is_refused_naming_max(string max)
    {
        var (status, body) = await Get($"/api/routes?from=CNTSN&to=UZTAS&max={max}");
        AssertFieldProblem(status, body, "max");
    }

    [TestCase("containers=0", "containers")]
    [TestCase("type=30GP", "type")]
    [TestCase("readyDate=01.12.2026", "readyDate")]
    [TestCase("modes=rail,zeppelin", "modes")]
    [TestCase("avoid=CNTSN", "avoid")]
    public async Task Other_bad_parameters_are_refused_naming_the_field(string query, string field)
    {
        var (status, body) = await Get($"/api/routes?from=CNTSN&to=UZTAS&{query}");
        AssertFieldProblem(status, body, field);
    }

    [Test]
    public async Task No_path_is_a_404_problem()
    {
        var (status, body) = await Get("/api/routes?from=CNTSN&to=UZTAS&modes=road");
        Assert.That(status, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(body.GetProperty("title").GetString(), Is.EqualTo("No route"));
    }

    [Test]
    public async Task Anonymous_callers_are_refused()
    {
        var response = await RoutingApp.Factory.CreateClient().GetAsync("/api/routes?from=CNTSN&to=UZTAS");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Nodes_list_all_59_with_gauges()
    {
        var (status, body) = await Get("/api/network/nodes");
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(body.GetArrayLength(), Is.EqualTo(59));
        var dostyk = body.EnumerateArray().Single(n => n.GetProperty("id").GetString() == "KZDOS");
        Assert.That(dostyk.GetProperty("gaugeMm").GetInt32(), Is.EqualTo(1520));
        Assert.That(dostyk.GetProperty("gauges").GetArrayLength(), Is.EqualTo(2));
    }

    [Test]
    public async Task Legs_filter_by_origin_and_mode_and_keep_their_source()
    {
        var (status, body) = await Get("/api/network/legs?from=KZALT&mode=rail");
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(body.GetArrayLength(), Is.GreaterThanOrEqualTo(3));
        foreach (var leg in body.EnumerateArray())
        {
            Assert.That(leg.GetProperty("from").GetString(), Is.EqualTo("KZALT"));
            Assert.That(leg.GetProperty("mode").GetString(), Is.EqualTo("rail"));
            Assert.That(leg.GetProperty("source").GetString(), Is.Not.Empty);
        }
        var (bad, problem) = await Get("/api/network/legs?mode=camel");
        AssertFieldProblem(bad, problem, "mode");
    }

    [Test]
    public async Task Opening_a_disruption_needs_the_admin_role()
    {
        var response = await RoutingApp.Client().PostAsJsonAsync("/api/network/disruptions",
            new { nodeId = "KZDOS", from = "2026-12-01", to = "2026-12-02", reason = "queue" });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task Disruption_with_both_node_and_leg_is_refused_naming_legId()
    {
        var response = await RoutingApp.Client("admin", "operator").PostAsJsonAsync("/api/network/disruptions",
            new { nodeId = "KZDOS", legId = "CNKHG-KZALT-rail", from = "2026-12-01", to = "2026-12-02", reason = "x" });
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        AssertFieldProblem(response.StatusCode, body, "legId");
    }

    [Test]
    public async Task Disruption_on_an_unknown_node_is_refused_naming_nodeId()
    {
        var response = await RoutingApp.Client("admin", "operator").PostAsJsonAsync("/api/network/disruptions",
            new { nodeId = "ZZZZZ", from = "2026-12-01", to = "2026-12-02", reason = "x" });
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        AssertFieldProblem(response.StatusCode, body, "nodeId");
    }

    [Test]
    public async Task Disruption_ending_before_it_starts_is_refused_naming_to()
    {
        var response = await RoutingApp.Client("admin", "operator").PostAsJsonAsync("/api/network/disruptions",
            new { nodeId = "KZDOS", from = "2026-12-05", to = "2026-12-02", reason = "x" });
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        AssertFieldProblem(response.StatusCode, body, "to");
    }

    [Test]
    public async Task Deleting_an_unknown_disruption_is_a_404()
    {
        var response = await RoutingApp.Client("admin", "operator").DeleteAsync($"/api/network/disruptions/{Guid.NewGuid()}");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }
}
