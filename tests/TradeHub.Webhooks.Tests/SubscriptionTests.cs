using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Dapper;
using Npgsql;
using StandardWebhooks;
using TradeHub.Hosting.Auth;
using TradeHub.Testing;

namespace TradeHub.Webhooks.Tests;

/// <summary>The subscriptions API: ownership, validation, URL safety, secrets at rest, and who hears of which event.</summary>
public sealed class SubscriptionTests
{
    private static string Day(int fromToday) => DateOnly.FromDateTime(DateTime.UtcNow).AddDays(fromToday).ToString("yyyy-MM-dd");

    [Test]
    public async Task Another_organisation_gets_404_for_everything_about_a_webhook_that_is_not_its_own()
    {
        await using var receiver = await WebhookReceiver.Started();
        using var owner = await WebhooksSystem.SignIn(WebhooksSystem.Org("owner"));
        using var stranger = await WebhooksSystem.SignIn(WebhooksSystem.Org("stranger"), "carrier");
        var (id, _) = await owner.Subscribe(receiver.Url);

        var attempts = new (HttpMethod Method, string Path, object? Body)[]
        {
            (HttpMethod.Get, $"/api/webhooks/{id}", null),
            (HttpMethod.Patch, $"/api/webhooks/{id}", new { enabled = false }),
            (HttpMethod.Delete, $"/api/webhooks/{id}", null),
            (HttpMethod.Post, $"/api/webhooks/{id}/rotate-secret", null),
            (HttpMethod.Post, $"/api/webhooks/{id}/ping", null),
            (HttpMethod.Get, $"/api/webhooks/{id}/deliveries", null),
            (HttpMethod.Post, $"/api/webhooks/{id}/replay", new { since = DateTimeOffset.UtcNow.AddDays(-1) }),
        };
        foreach (var (method, path, body) in attempts)
        {
            using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
            using var answer = await stranger.Http.SendAsync(request);
            Assert.That(answer.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), $"{method} {path}");
        }
        var list = await stranger.GetOk("/api/webhooks");
        Assert.That(list["items"]!.AsArray(), Is.Empty);
        var mine = await owner.GetOk($"/api/webhooks/{id}");
        Assert.That(mine["enabled"]!.GetValue<bool>(), Is.True, "the stranger's PATCH changed nothing");
        Assert.That(mine.AsObject().Select(p => p.Key), Has.None.EqualTo("secret"));
        Assert.That(receiver.Requests, Is.Empty, "the stranger's ping sent nothing");

        using var deleted = await owner.Http.DeleteAsync($"/api/webhooks/{id}");
        Assert.That(deleted.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        using var gone = await owner.Http.GetAsync($"/api/webhooks/{id}");
        Assert.That(gone.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task Bad_input_is_a_400_naming_the_field()
    {
        using var client = await WebhooksSystem.SignIn(WebhooksSystem.Org("bad"));
        var cases = new (string Path, object Body, string Field)[]
        {
            ("/api/webhooks", new { events = new[] { "*" } }, "url"),
            ("/api/webhooks", new { url = "ftp://example.org/x", events = new[] { "*" } }, "url"),
            ("/api/webhooks", new { url = "http://127.0.0.1:9/x", events = new[] { "bid.eaten" } }, "events"),
            ("/api/webhooks", new { url = "http://127.0.0.1:9/x", events = Array.Empty<string>() }, "events"),
            ("/api/webhooks", new { url = "http://user:pw@127.0.0.1:9/x", events = new[] { "*" } }, "url"),
        };
        foreach (var (path, body, field) in cases)
        {
            using var answer = await client.Post(path, body);
            var problem = JsonNode.Parse(await answer.Content.ReadAsStringAsync())!;
            Assert.That((int)answer.StatusCode, Is.EqualTo(400), problem.ToJsonString());
            Assert.That(problem["errors"]!.AsObject().Select(p => p.Key), Does.Contain(field), problem.ToJsonString());
        }
        await using var receiver = await WebhookReceiver.Started();
        var (id, _) = await client.Subscribe(receiver.Url);
        using var replay = await client.Post($"/api/webhooks/{id}/replay", new { until = DateTimeOffset.UtcNow });
        Assert.That((int)replay.StatusCode, Is.EqualTo(400));
        using var status = await client.Http.GetAsync($"/api/webhooks/{id}/deliveries?status=lost");
        Assert.That((int)status.StatusCode, Is.EqualTo(400));
    }

    [Test]
    public async Task An_idempotent_create_repeats_its_answer_and_creates_nothing_new()
    {
        using var client = await WebhooksSystem.SignIn(WebhooksSystem.Org("idem"));
        var body = new { url = "http://127.0.0.1:9/x", events = new[] { "bid.placed" } };
        async Task<JsonNode> Create()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks") { Content = JsonContent.Create(body) };
            request.Headers.Add("Idempotency-Key", "create-once");
            using var answer = await client.Http.SendAsync(request);
            Assert.That((int)answer.StatusCode, Is.EqualTo(201));
            return JsonNode.Parse(await answer.Content.ReadAsStringAsync())!;
        }
        var first = await Create();
        var second = await Create();
        Assert.That(second["id"]!.GetValue<string>(), Is.EqualTo(first["id"]!.GetValue<string>()));
        Assert.That(second["secret"]!.GetValue<string>(), Is.EqualTo(first["secret"]!.GetValue<string>()));
        Assert.That((await client.GetOk("/api/webhooks"))["items"]!.AsArray(), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task The_secret_is_stored_encrypted_so_the_database_alone_does_not_hold_it()
    {
        using var client = await WebhooksSystem.SignIn(WebhooksSystem.Org("vault"));
        var (id, secret) = await client.Subscribe("http://127.0.0.1:9/x");
        await using var db = new NpgsqlConnection(TestDatabase.For(WebhooksSystem.System.DatabaseName("webhooks")));
        var stored = await db.QuerySingleAsync<byte[]>("SELECT secret FROM subscriptions WHERE id = @Id", new { Id = Guid.Parse(id) });
        var key = secret["whsec_".Length..];
        Assert.That(Encoding.UTF8.GetString(stored), Does.Not.Contain(key));
        Assert.That(Convert.ToBase64String(stored), Does.Not.Contain(key));
        Assert.That(stored, Is.Not.EqualTo(Convert.FromBase64String(key)));
    }

    [Test]
    public async Task A_private_url_is_refused_by_an_instance_that_does_not_allow_them()
    {
        const string strict = "webhooks#2";
        WebhooksSystem.System.Settings[strict] = new Dictionary<string, string> { ["Webhooks__AllowPrivateAddresses"] = "false" };
        WebhooksSystem.System.StartService(strict);
        try
        {
            await WebhooksSystem.System.WaitReady(strict);
            using var http = new HttpClient { BaseAddress = WebhooksSystem.System.ServiceUrl(strict) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
                TokenAuth.IssueDevToken(new AuthOptions { DevIssuer = { Enabled = true } }, WebhooksSystem.Org("strict"), Roles.Sme));
            foreach (var url in new[]
                     {
                         "http://127.0.0.1:8080/hook", "http://localhost/hook", "http://10.1.2.3/hook", "http://192.168.0.10/hook",
                         "http://169.254.169.254/latest/meta-data", "http://[::1]/hook", "http://[fd00:ec2::254]/hook", "http://0.0.0.0/hook",
                     })
            {
                using var answer = await http.PostAsJsonAsync("/api/webhooks", new { url, events = new[] { "*" } });
                var problem = JsonNode.Parse(await answer.Content.ReadAsStringAsync())!;
                Assert.That((int)answer.StatusCode, Is.EqualTo(400), url);
                Assert.That(problem["errors"]!.AsObject().Select(p => p.Key), Is.EqualTo(new[] { "url" }), url);
            }
        }
        finally
        {
            WebhooksSystem.System.Stop(strict);
        }
    }

    [Test]
    public async Task A_bid_is_told_to_its_carrier_and_the_cargo_owner_and_never_to_a_rival_carrier()
    {
        await using var ownerHook = await WebhookReceiver.Started();
        await using var carrierHook = await WebhookReceiver.Started();
        await using var rivalHook = await WebhookReceiver.Started();
        using var owner = await WebhooksSystem.SignIn(WebhooksSystem.Org("shipper"));
        using var carrier = await WebhooksSystem.SignIn(WebhooksSystem.Org("carrier"), "carrier");
        using var rival = await WebhooksSystem.SignIn(WebhooksSystem.Org("rival"), "carrier");
        var (_, ownerSecret) = await owner.Subscribe(ownerHook.Url);
        var (_, carrierSecret) = await carrier.Subscribe(carrierHook.Url, "bid.placed");
        var (rivalId, _) = await rival.Subscribe(rivalHook.Url);

        var offer = await owner.PostOk("/api/cargo-offers", new
        {
            origin = "CNTSN", destination = "UZTAS", readyDate = Day(3), deliverBy = Day(45),
            containers = new { count = 1, type = "40HC" }, weightKg = 18000, hsCode = "520100", description = "Cotton yarn",
        });
        var offerId = offer["id"]!.GetValue<string>();
        var bid = await carrier.PostOk($"/api/cargo-offers/{offerId}/bids", new
        {
            price = new { amount = 4200, currency = "USD" }, transitDays = 12, validUntil = Day(20),
        });
        var bidId = bid["id"]!.GetValue<string>();

        bool IsTheBid(ReceivedWebhook r) => JsonNode.Parse(r.Body)!["type"]!.GetValue<string>() == "bid.placed"
                                     && JsonNode.Parse(r.Body)!["data"]!["id"]!.GetValue<string>() == bidId;
        var toOwner = (await ownerHook.Eventually(r => r.Any(IsTheBid), "bid.placed at the owner")).First(IsTheBid);
        var toCarrier = (await carrierHook.Eventually(r => r.Any(IsTheBid), "bid.placed at the carrier")).First(IsTheBid);
        Assert.That(toOwner.Id, Is.EqualTo(toCarrier.Id), "one event, one webhook-id");
        Assert.DoesNotThrow(() => new StandardWebhook(ownerSecret).Verify(toOwner.Body, toOwner.Headers()));
        Assert.DoesNotThrow(() => new StandardWebhook(carrierSecret).Verify(toCarrier.Body, toCarrier.Headers()));
        var data = JsonNode.Parse(toOwner.Body)!["data"]!;
        Assert.That(data["price"]!["amount"]!.GetValue<decimal>(), Is.EqualTo(4200m));
        Assert.That(data["carrier"]!.GetValue<string>(), Is.EqualTo(carrier.Organisation));
        await ownerHook.Eventually(r => r.Any(x => JsonNode.Parse(x.Body)!["type"]!.GetValue<string>() == "routes.changed"),
            "routes.changed at the owner");

        // The fan-out of an event is one statement: once the owner and the carrier have theirs, a delivery to the
        // rival would exist too. There is none, and nothing reached the rival's endpoint.
        Assert.That(await rival.Deliveries(rivalId), Is.Empty);
        Assert.That(rivalHook.Requests, Is.Empty);
    }
}
