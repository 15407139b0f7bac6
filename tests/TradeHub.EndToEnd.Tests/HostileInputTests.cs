using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Dapper;
using Npgsql;
using TradeHub.Hosting.Auth;
using TradeHub.Testing;

namespace TradeHub.EndToEnd.Tests;

/// <summary>
/// At least 10,000 generated hostile requests over every endpoint, with a fixed seed: malformed and truncated
/// JSON, wrong types, missing and extra fields, huge strings and numbers, control characters, SQL- and
/// script-shaped strings, wrong content types, oversized and chunked bodies, bad tokens, other organisations' ids.
/// Never a 5xx; every refusal is a problem document; nothing is stored from a refused request.
/// TRADEHUB_FUZZ_REQUESTS sets a longer run (deploy/local/fuzz.sh).
/// </summary>
public class HostileInputTests
{
    private const int Seed = 20261129;
    private static readonly int Requests = int.TryParse(Environment.GetEnvironmentVariable("TRADEHUB_FUZZ_REQUESTS"), out var n) ? n : 10_000;

    private static readonly JsonNode?[] HostileValues =
    [
        null, "", " ", "'; DROP TABLE cargo_offers; --", "<script>alert(1)</script>", "\u0000\u0001\u001f", "\u202eevil",
        "ЦНТСН", "天津", "😀😀😀", new string('A', 70_000), "NaN", "Infinity", "-1", "1e309", "2026-02-30", "0000-00-00",
        "../../etc/passwd", "%00", "null", -1, 0, int.MaxValue, long.MinValue, 1e300, -1e300, 0.0000001, 123456789012345678,
        true, false, new JsonArray(1, 2), new JsonObject { ["$gt"] = "" }, new JsonObject(),
    ];

    private static readonly string[] Truncations = ["{", "{\"origin\":", "{\"origin\":\"CN", "[", "\"", "{}}", "nul", "{\"a\":1,,}", "\u0000"];

    private sealed record Endpoint(HttpMethod Method, string Path, Func<JsonObject>? Body, string Role);

    private static string Day(int d) => DateOnly.FromDateTime(DateTime.UtcNow).AddDays(d).ToString("yyyy-MM-dd");

    private static JsonObject Cargo() => new()
    {
        ["origin"] = "CNTSN", ["destination"] = "BYMSQ", ["readyDate"] = Day(5), ["deliverBy"] = Day(40),
        ["containers"] = new JsonObject { ["count"] = 1, ["type"] = "40GP" }, ["weightKg"] = 12000, ["hsCode"] = "847989",
    };

    private static JsonObject Capacity() => new()
    {
        ["from"] = "KZALA", ["to"] = "UZTAS", ["mode"] = "rail", ["departureFrom"] = Day(2), ["departureTo"] = Day(9),
        ["containers"] = new JsonObject { ["count"] = 4, ["type"] = "40GP" },
        ["pricePerContainer"] = new JsonObject { ["amount"] = 900, ["currency"] = "USD" }, ["transitDays"] = 3,
    };

    private static JsonObject Trade() => new()
    {
        ["side"] = "buy", ["hsCode"] = "080211", ["product"] = "Almonds", ["quantity"] = 2000, ["unit"] = "kg",
        ["unitPrice"] = new JsonObject { ["amount"] = 6.5, ["currency"] = "USD" }, ["incoterm"] = "DAP", ["city"] = "BYMSQ",
        ["validUntil"] = Day(15),
    };

    private static JsonObject Bid() => new()
    {
        ["price"] = new JsonObject { ["amount"] = 3000, ["currency"] = "USD" }, ["transitDays"] = 12, ["validUntil"] = Day(10),
    };

    private static JsonObject Disruption() => new()
    {
        ["nodeId"] = "KZDOS", ["from"] = Day(400), ["to"] = Day(401), ["reason"] = "fuzz",
    };

    [Test]
    public async Task Ten_thousand_hostile_requests_get_no_5xx_and_only_problem_documents()
    {
        var gateway = TradeHubSystem.System.GatewayUrl;
        using var sme = await TradeHubSystem.SignIn("fuzz-sme", "sme");
        using var rival = await TradeHubSystem.SignIn("fuzz-rival", "sme");
        var ownOffer = (await sme.PostOk("/api/cargo-offers", Cargo()))["id"]!.GetValue<string>();
        var rivalOffer = (await rival.PostOk("/api/cargo-offers", Cargo()))["id"]!.GetValue<string>();
        var tokens = new Dictionary<string, string>
        {
            ["sme"] = sme.Http.DefaultRequestHeaders.Authorization!.Parameter!,
            ["carrier"] = (await TradeHubSystem.SignIn("fuzz-carrier", "carrier")).Http.DefaultRequestHeaders.Authorization!.Parameter!,
            ["admin"] = (await TradeHubSystem.SignIn("fuzz-admin", "admin")).Http.DefaultRequestHeaders.Authorization!.Parameter!,
            ["trade_office"] = (await TradeHubSystem.SignIn("fuzz-office", "trade_office")).Http.DefaultRequestHeaders.Authorization!.Parameter!,
        };
        var expired = TokenAuth.IssueDevToken(new AuthOptions { DevIssuer = { Enabled = true } }, "fuzz-sme", "sme",
            expires: DateTime.UtcNow.AddHours(-1));

        string[] ids = [ownOffer, rivalOffer, Guid.NewGuid().ToString(), "not-a-guid", "00000000-0000-0000-0000-000000000000", "%2e%2e", "1;DROP"];
        var endpoints = new List<Endpoint>
        {
            new(HttpMethod.Post, "/api/cargo-offers", Cargo, "sme"),
            new(HttpMethod.Post, "/api/capacity-offers", Capacity, "carrier"),
            new(HttpMethod.Post, "/api/trade-offers", Trade, "sme"),
            new(HttpMethod.Post, "/api/cargo-offers/{id}/bids", Bid, "carrier"),
            new(HttpMethod.Post, "/api/cargo-offers/{id}/bids/{id}/award", null, "sme"),
            new(HttpMethod.Post, "/api/network/disruptions", Disruption, "admin"),
            new(HttpMethod.Post, "/api/matches/{id}/accept", null, "sme"),
            new(HttpMethod.Post, "/api/matches/{id}/decline", null, "carrier"),
            new(HttpMethod.Post, "/api/dev/tokens", () => new JsonObject { ["organisation"] = "fuzz-x", ["role"] = "sme" }, "sme"),
            new(HttpMethod.Get, "/api/cargo-offers?limit={q}&cursor={q}&status={q}&origin={q}", null, "sme"),
            new(HttpMethod.Get, "/api/cargo-offers/{id}", null, "carrier"),
            new(HttpMethod.Get, "/api/cargo-offers/{id}/routes", null, "sme"),
            new(HttpMethod.Get, "/api/cargo-offers/{id}/bids?limit={q}", null, "carrier"),
            new(HttpMethod.Get, "/api/capacity-offers?from={q}&mode={q}", null, "sme"),
            new(HttpMethod.Get, "/api/trade-offers?hsCode={q}&side={q}", null, "sme"),
            new(HttpMethod.Get, "/api/routes?from={q}&to={q}&objective={q}&max={q}&avoid={q}&modes={q}&containers={q}&type={q}", null, "sme"),
            new(HttpMethod.Get, "/api/network/legs?from={q}&mode={q}", null, "sme"),
            new(HttpMethod.Get, "/api/matches?offerId={q}&status={q}", null, "sme"),
            new(HttpMethod.Get, "/api/matches/{id}", null, "sme"),
            new(HttpMethod.Get, "/api/flows?groupBy={q}&since={q}&until={q}&city={q}", null, "trade_office"),
            new(HttpMethod.Get, "/api/flows.csv?groupBy={q}", null, "trade_office"),
            new(HttpMethod.Delete, "/api/cargo-offers/{id}", null, "sme"),
            new(HttpMethod.Delete, "/api/capacity-offers/{id}", null, "carrier"),
            new(HttpMethod.Delete, "/api/trade-offers/{id}", null, "sme"),
            new(HttpMethod.Delete, "/api/network/disruptions/{id}", null, "admin"),
        };
        string[] queryValues = ["", "0", "-1", "501", "99999999999999999999", "CNTSN", "abc", "'%20OR%201=1--", "%3Cscript%3E", "%00", "fastest", "corridor", "2026-13-40", new string('z', 3000)];

        var violations = new ConcurrentQueue<string>();
        var statuses = new ConcurrentDictionary<int, int>();
        var created = new ConcurrentDictionary<string, int>();
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 16 }) { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(30) };

        // Each request comes from its own seed: a violation names a request that can be sent again.
        (Endpoint Endpoint, string Path, HttpRequestMessage Request) Generate(int i)
        {
            var random = new Random(Seed + i);
            T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];
            var endpoint = Pick(endpoints);
            var path = endpoint.Path;
            while (path.Contains("{id}")) path = ReplaceFirst(path, "{id}", Uri.EscapeDataString(Pick(ids)));
            while (path.Contains("{q}")) path = ReplaceFirst(path, "{q}", Pick(queryValues));

            var request = new HttpRequestMessage(endpoint.Method, path);
            var token = random.Next(10) switch
            {
                0 => null,
                1 => "garbage.token.value",
                2 => expired,
                3 => tokens[Pick(tokens.Keys.ToList())],
                4 => tokens[endpoint.Role][..^3] + "abc",
                _ => tokens[endpoint.Role],
            };
            if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            if (endpoint.Method == HttpMethod.Post) request.Content = HostileBody(random, endpoint.Body);
            if (random.Next(20) == 0) request.Headers.TryAddWithoutValidation("Idempotency-Key", new string('k', random.Next(1, 400)));
            return (endpoint, path, request);
        }

        await Parallel.ForEachAsync(Enumerable.Range(0, Requests), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var (endpoint, path, request) = Generate(i);
            HttpResponseMessage answer;
            try
            {
                answer = await http.SendAsync(request, ct);
            }
            catch (Exception e)
            {
                // No retry: a refusal that loses its answer, or leaves a keep-alive connection dead for the next
                // request, is a fault of the server (an unread body over the limit once did both).
                violations.Enqueue($"{endpoint.Method} {path}: no answer ({e.GetBaseException().Message})");
                request.Dispose();
                return;
            }
            using (request)
            using (answer)
            {
                var status = (int)answer.StatusCode;
                statuses.AddOrUpdate(status, 1, (_, c) => c + 1);
                if (status == 201) created.AddOrUpdate(endpoint.Path, 1, (_, c) => c + 1);
                if (status >= 500)
                    violations.Enqueue($"{endpoint.Method} {path} -> {status}: {Truncate(await answer.Content.ReadAsStringAsync(ct))}");
                else if (status >= 400 && answer.Content.Headers.ContentType?.MediaType != "application/problem+json")
                    violations.Enqueue($"{endpoint.Method} {path} -> {status} as {answer.Content.Headers.ContentType?.MediaType ?? "no body"}");
            }
        });

        TestContext.Progress.WriteLine("statuses: " + string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key} x{s.Value}")));
        Assert.That(violations.Take(25).ToList(), Is.Empty, $"{violations.Count} violations:\n" + string.Join("\n", violations.Take(60)));
        Assert.That(statuses.Values.Sum(), Is.EqualTo(Requests));

        // Nothing stored from a refused request: the rows of the fuzzing organisations are exactly the 201s.
        await using var listings = new NpgsqlConnection(TestDatabase.For(TradeHubSystem.System.DatabaseName("listings")));
        var cargoRows = await listings.ExecuteScalarAsync<int>("SELECT count(*) FROM cargo_offers WHERE owner_org = 'fuzz-sme'");
        var tradeRows = await listings.ExecuteScalarAsync<int>("SELECT count(*) FROM trade_offers WHERE owner_org = 'fuzz-sme'");
        var capacityRows = await listings.ExecuteScalarAsync<int>("SELECT count(*) FROM capacity_offers WHERE carrier_org = 'fuzz-carrier'");
        Assert.That(cargoRows, Is.EqualTo(1 + created.GetValueOrDefault("/api/cargo-offers")), "cargo offers stored = created");
        Assert.That(tradeRows, Is.EqualTo(created.GetValueOrDefault("/api/trade-offers")), "trade offers stored = created");
        Assert.That(capacityRows, Is.EqualTo(created.GetValueOrDefault("/api/capacity-offers")), "capacity offers stored = created");
    }

    private static HttpContent HostileBody(Random random, Func<JsonObject>? template)
    {
        var body = template?.Invoke() ?? new JsonObject();
        switch (random.Next(12))
        {
            case 0: return new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"); // valid
            case 1: return new StringContent(Truncations[random.Next(Truncations.Length)], Encoding.UTF8, "application/json");
            case 2:
                var text = body.ToJsonString();
                return new StringContent(text[..random.Next(text.Length)], Encoding.UTF8, "application/json");
            case 3: return new StringContent(body.ToJsonString(), Encoding.UTF8, random.Next(2) == 0 ? "text/plain" : "application/xml");
            case 4: return new ByteArrayContent(RandomBytes(random, random.Next(1, 300)));
            case 5: return new StringContent("{\"x\":\"" + new string('x', 300_000) + "\"}", Encoding.UTF8, "application/json");
            case 6:
                body[$"extra{random.Next(5)}"] = HostileValues[random.Next(HostileValues.Length)]?.DeepClone();
                break;
            case 7:
                if (body.Count > 0) body.Remove(body.ElementAt(random.Next(body.Count)).Key);
                break;
            case 8: return new StringContent(random.Next(2) == 0 ? "[]" : "\"just a string\"", Encoding.UTF8, "application/json");
            case 9 when random.Next(3) == 0: // chunked, without a declared length: valid or oversized
                return new ChunkedJson(random.Next(2) == 0 ? body.ToJsonString() : "{\"x\":\"" + new string('x', 300_000) + "\"}");
            default:
                Mutate(body, random);
                if (random.Next(2) == 0) Mutate(body, random);
                break;
        }
        return new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
    }

    /// <summary>A JSON body sent with Transfer-Encoding: chunked: its length shows only as it is read.</summary>
    private sealed class ChunkedJson : HttpContent
    {
        private readonly byte[] _bytes;

        public ChunkedJson(string json)
        {
            _bytes = Encoding.UTF8.GetBytes(json);
            Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(_bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    /// <summary>Puts a hostile value into one field, nested fields included.</summary>
    private static void Mutate(JsonObject body, Random random)
    {
        if (body.Count == 0) return;
        var (key, value) = body.ElementAt(random.Next(body.Count));
        if (value is JsonObject nested && random.Next(2) == 0) { Mutate(nested, random); return; }
        body[key] = HostileValues[random.Next(HostileValues.Length)]?.DeepClone();
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static string ReplaceFirst(string text, string what, string with)
    {
        var at = text.IndexOf(what, StringComparison.Ordinal);
        return text[..at] + with + text[(at + what.Length)..];
    }

    private static string Truncate(string text) => text.Length > 300 ? text[..300] : text;
}
