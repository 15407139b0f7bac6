using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace TradeHub.Listings.Tests;

/// <summary>Valid request bodies (as JSON trees, so a test can break any one field) and answer checks.</summary>
internal static class Requests
{
    public static string Day(int fromToday) => DateOnly.FromDateTime(DateTime.UtcNow).AddDays(fromToday).ToString("yyyy-MM-dd");

    public static JsonObject CargoOffer() => new()
    {
        ["origin"] = "CNTSN", ["destination"] = "UZTAS", ["readyDate"] = Day(3), ["deliverBy"] = Day(30),
        ["containers"] = new JsonObject { ["count"] = 2, ["type"] = "40HC" }, ["weightKg"] = 36000,
        ["hsCode"] = "520100", ["description"] = "Raw cotton", ["hazardous"] = false,
        ["targetPrice"] = new JsonObject { ["amount"] = 9000, ["currency"] = "USD" },
    };

    public static JsonObject CapacityOffer() => new()
    {
        ["from"] = "CNTSN", ["to"] = "CNKHG", ["mode"] = "rail", ["departureFrom"] = Day(2), ["departureTo"] = Day(6),
        ["containers"] = new JsonObject { ["count"] = 10, ["type"] = "40HC" },
        ["pricePerContainer"] = new JsonObject { ["amount"] = 2100, ["currency"] = "USD" }, ["transitDays"] = 5,
    };

    public static JsonObject TradeOffer() => new()
    {
        ["side"] = "sell", ["hsCode"] = "520100", ["product"] = "Raw cotton", ["quantity"] = 50000, ["unit"] = "kg",
        ["unitPrice"] = new JsonObject { ["amount"] = 1.85, ["currency"] = "USD" }, ["incoterm"] = "FCA",
        ["city"] = "UZTAS", ["validUntil"] = Day(20),
    };

    public static JsonObject Bid() => new()
    {
        ["price"] = new JsonObject { ["amount"] = 8200, ["currency"] = "USD" }, ["transitDays"] = 14,
        ["validUntil"] = Day(10), ["note"] = "Weekly block train via Khorgos",
    };

    /// <summary>Sets a dotted path ("containers.count") to a value, or removes it when the value is null.</summary>
    public static JsonObject With(this JsonObject body, string path, JsonNode? value)
    {
        var parts = path.Split('.');
        var node = body;
        foreach (var part in parts[..^1]) node = (JsonObject)node[part]!;
        if (value is null) node.Remove(parts[^1]);
        else node[parts[^1]] = value;
        return body;
    }

    public static async Task<JsonNode> Created(this HttpResponseMessage answer)
    {
        var text = await answer.Content.ReadAsStringAsync();
        Assert.That(answer.StatusCode, Is.EqualTo(HttpStatusCode.Created), text);
        return JsonNode.Parse(text)!;
    }

    /// <summary>Asserts a problem document with the status and, for a 400, the field named.</summary>
    public static async Task<JsonNode> AssertProblem(this HttpResponseMessage answer, HttpStatusCode status, string? field = null)
    {
        var text = await answer.Content.ReadAsStringAsync();
        Assert.That(answer.StatusCode, Is.EqualTo(status), text);
        Assert.That(answer.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"), text);
        var problem = JsonNode.Parse(text)!;
        Assert.That(problem["status"]?.GetValue<int>(), Is.EqualTo((int)status), text);
        if (field is not null)
            Assert.That(problem["errors"]?.AsObject().Select(e => e.Key), Does.Contain(field), text);
        return problem;
    }

    public static Task<HttpResponseMessage> PostJson(this HttpClient client, string path, JsonNode body) =>
        client.PostAsJsonAsync(path, body);
}
