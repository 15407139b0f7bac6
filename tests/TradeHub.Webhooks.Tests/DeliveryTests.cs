using System.Text.Json.Nodes;
using StandardWebhooks;
using StandardWebhooks.Diagnostics;
using TradeHub.Testing;

namespace TradeHub.Webhooks.Tests;

/// <summary>Signed deliveries to a real receiver: verification, order and no loss across an outage, 410, 429, rotation, replay.</summary>
public sealed class DeliveryTests
{
    [Test]
    public async Task Deliveries_verify_with_the_library_and_a_tampered_body_or_an_old_timestamp_does_not()
    {
        await using var receiver = await WebhookReceiver.Started();
        using var client = await WebhooksSystem.SignIn(WebhooksSystem.Org("signed"));
        var (id, secret) = await client.Subscribe(receiver.Url);
        Assert.That(secret, Does.StartWith("whsec_"));
        Assert.That(Convert.FromBase64String(secret["whsec_".Length..]), Has.Length.GreaterThanOrEqualTo(24));

        var webhookId = await client.Ping(id);
        var got = (await receiver.Eventually(r => r.Any(x => x.Id == webhookId), "the ping")).First(x => x.Id == webhookId);
        var verifier = new StandardWebhook(secret);

        Assert.DoesNotThrow(() => verifier.Verify(got.Body, got.Headers()));
        var body = JsonNode.Parse(got.Body)!;
        Assert.Multiple(() =>
        {
            Assert.That(body["type"]!.GetValue<string>(), Is.EqualTo("webhook.ping"));
            Assert.That(body["timestamp"], Is.Not.Null);
            Assert.That(body["data"]!["webhookId"]!.GetValue<string>(), Is.EqualTo(id));
        });
        var tampered = got.Body.Replace("webhook.ping", "webhook.pong", StringComparison.Ordinal);
        Assert.Throws<WebhookVerificationException>(() => verifier.Verify(tampered, got.Headers()));
        // An old message signed correctly is still refused: a replayed capture does not pass.
        var old = DateTimeOffset.UtcNow.AddMinutes(-10);
        var oldSignature = verifier.Sign(got.Id, old, got.Body);
        var refused = Assert.Throws<WebhookVerificationException>(() =>
            verifier.Verify(got.Body, got.Headers(oldSignature, old.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture))));
        Assert.That(refused!.Message, Does.Contain("too old"));
        Assert.Throws<WebhookVerificationException>(() => new StandardWebhook(SecretOfAnother()).Verify(got.Body, got.Headers()));
    }

    private static string SecretOfAnother() => "whsec_" + Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    [Test]
    public async Task A_receiver_that_fails_then_goes_away_then_returns_gets_every_event_once_by_id_and_in_order()
    {
        await using var receiver = await WebhookReceiver.Started(_ => new ReceiverAnswer(503));
        using var client = await WebhooksSystem.SignIn(WebhooksSystem.Org("outage"));
        var (id, secret) = await client.Subscribe(receiver.Url);

        var sent = new List<string>();
        for (var i = 0; i < 8; i++) sent.Add(await client.Ping(id));
        await receiver.Eventually(r => r.Count(x => x.Answered == 503) >= 3, "three 503 answers");

        // Then nothing at all: connections are refused.
        await receiver.Stop();
        for (var i = 0; i < 8; i++) sent.Add(await client.Ping(id));
        await client.Eventually($"/api/webhooks/{id}/deliveries?status=pending&limit=500",
            d => d["items"]!.AsArray().Any(x => x!["attemptLog"]!.AsArray().Any(a => a!["statusCode"] is null)));

        receiver.Answers = _ => ReceiverAnswer.Ok;
        await receiver.Start();
        await receiver.Eventually(r => sent.All(s => r.Any(x => x.Id == s && x.Answered == 200)), "every event delivered",
            TimeSpan.FromSeconds(120));

        var delivered = receiver.DeliveredIds();
        Assert.That(delivered, Is.EqualTo(sent), "each event once after de-duplication by webhook-id, in the order queued");
        var verifier = new StandardWebhook(secret);
        foreach (var request in receiver.Requests.Where(r => r.Answered == 200))
            Assert.DoesNotThrow(() => verifier.Verify(request.Body, request.Headers()));
        var log = await client.Deliveries(id);
        Assert.That(log.Count(d => d!["status"]!.GetValue<string>() == "succeeded"), Is.EqualTo(sent.Count));
        var first = log.Single(d => d!["webhookId"]!.GetValue<string>() == sent[0])!;
        Assert.That(first["attempts"]!.GetValue<int>(), Is.GreaterThan(1));
        Assert.That(first["attemptLog"]!.AsArray().Select(a => a!["statusCode"]?.GetValue<int>()), Does.Contain(503).And.Contain(200));
    }

    [Test]
    public async Task Gone_disables_the_subscription_and_the_organisation_is_told()
    {
        await using var gone = await WebhookReceiver.Started(_ => new ReceiverAnswer(410));
        await using var watcher = await WebhookReceiver.Started();
        using var client = await WebhooksSystem.SignIn(WebhooksSystem.Org("gone"));
        var (id, _) = await client.Subscribe(gone.Url);
        var (_, watcherSecret) = await client.Subscribe(watcher.Url, "webhook.disabled");

        await client.Ping(id);
        var subscription = await client.Eventually($"/api/webhooks/{id}", s => !s["enabled"]!.GetValue<bool>());
        Assert.That(subscription["disabledReason"]!.GetValue<string>(), Is.EqualTo("gone"));
        var told = (await watcher.Eventually(r => r.Count > 0, "webhook.disabled"))[0];
        var body = JsonNode.Parse(told.Body)!;
        Assert.That(body["type"]!.GetValue<string>(), Is.EqualTo("webhook.disabled"));
        Assert.That(body["data"]!["webhookId"]!.GetValue<string>(), Is.EqualTo(id));
        Assert.That(body["data"]!["reason"]!.GetValue<string>(), Is.EqualTo("gone"));
        Assert.DoesNotThrow(() => new StandardWebhook(watcherSecret).Verify(told.Body, told.Headers()));
        Assert.That(gone.Requests, Has.Count.EqualTo(1), "a 410 is not retried");
    }

    [Test]
    public async Task A_subscription_failing_for_the_configured_time_is_disabled_and_its_organisation_told()
    {
        await using var failing = await WebhookReceiver.Started(_ => new ReceiverAnswer(500));
        await using var watcher = await WebhookReceiver.Started();
        using var client = await WebhooksSystem.SignIn(WebhooksSystem.Org("failing"));
        var (id, _) = await client.Subscribe(failing.Url);
        await client.Subscribe(watcher.Url, "webhook.disabled");

        await client.Ping(id);
        var subscription = await client.Eventually($"/api/webhooks/{id}", s => !s["enabled"]!.GetValue<bool>(),
            WebhooksSystem.DisableAfter * 4);
        Assert.That(subscription["disabledReason"]!.GetValue<string>(), Is.EqualTo("failing"));
        Assert.That(failing.Requests.Count, Is.GreaterThan(2), "retried until disabled");
        var told = (await watcher.Eventually(r => r.Count > 0, "webhook.disabled"))[0];
        Assert.That(JsonNode.Parse(told.Body)!["data"]!["reason"]!.GetValue<string>(), Is.EqualTo("failing"));

        // Enabled again by its organisation, it starts afresh and delivers what waited.
        await failing.Stop();
        failing.Answers = _ => ReceiverAnswer.Ok;
        await failing.Start();
        using var enabled = await client.Patch($"/api/webhooks/{id}", new { enabled = true });
        Assert.That((int)enabled.StatusCode, Is.EqualTo(200));
        await failing.Eventually(r => r.Any(x => x.Answered == 200), "the held delivery");
    }

    [Test]
    public async Task Too_many_requests_with_retry_after_is_honoured()
    {
        await using var receiver = await WebhookReceiver.Started(n => n == 0 ? new ReceiverAnswer(429, RetryAfter: "3") : ReceiverAnswer.Ok);
        using var client = await WebhooksSystem.SignIn(WebhooksSystem.Org("busy"));
        var (id, _) = await client.Subscribe(receiver.Url);

        var webhookId = await client.Ping(id);
        var requests = await receiver.Eventually(r => r.Count >= 2, "the retry");
        Assert.That(requests[0].Answered, Is.EqualTo(429));
        Assert.That(requests[1].Id, Is.EqualTo(webhookId));
        // Retry-After is a lower bound on the wait (the first retry's back-off here is well under a second).
        Assert.That(requests[1].At - requests[0].At, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(2.9)));
    }

    [Test]
    public async Task During_a_rotation_both_secrets_sign_and_each_signature_verifies_with_its_secret()
    {
        await using var receiver = await WebhookReceiver.Started();
        using var client = await WebhooksSystem.SignIn(WebhooksSystem.Org("rotate"));
        var (id, oldSecret) = await client.Subscribe(receiver.Url);
        var rotated = await client.PostOk($"/api/webhooks/{id}/rotate-secret", new { });
        var newSecret = rotated["secret"]!.GetValue<string>();
        Assert.That(newSecret, Does.StartWith("whsec_").And.Not.EqualTo(oldSecret));

        var webhookId = await client.Ping(id);
        var got = (await receiver.Eventually(r => r.Any(x => x.Id == webhookId), "the ping")).First(x => x.Id == webhookId);
        var signatures = got.Signature.Split(' ');
        Assert.That(signatures, Has.Length.EqualTo(2));
        Assert.That(signatures, Is.All.StartWith("v1,"));
        // Each signature on its own, since the library checks all but the last of several (StandardWebhooks 1.1.2).
        Assert.DoesNotThrow(() => new StandardWebhook(newSecret).Verify(got.Body, got.Headers(signatures[0])));
        Assert.DoesNotThrow(() => new StandardWebhook(oldSecret).Verify(got.Body, got.Headers(signatures[1])));
        Assert.DoesNotThrow(() => new StandardWebhook(newSecret).Verify(got.Body, got.Headers()));
        Assert.That((await client.GetOk($"/api/webhooks/{id}"))["rotationOverlap"]!.GetValue<bool>(), Is.True);
    }

    [Test]
    public async Task Replay_sends_the_range_again_with_the_same_webhook_ids()
    {
        await using var receiver = await WebhookReceiver.Started();
        using var client = await WebhooksSystem.SignIn(WebhooksSystem.Org("replay"));
        var (id, _) = await client.Subscribe(receiver.Url);
        var since = DateTimeOffset.UtcNow.AddMinutes(-1);
        var sent = new List<string>();
        for (var i = 0; i < 3; i++) sent.Add(await client.Ping(id));
        await receiver.Eventually(r => r.Count(x => x.Answered == 200) >= 3, "the first deliveries");

        var replay = await client.Post($"/api/webhooks/{id}/replay", new { since, until = DateTimeOffset.UtcNow.AddMinutes(1) });
        Assert.That((int)replay.StatusCode, Is.EqualTo(202));
        var requests = await receiver.Eventually(r => r.Count(x => x.Answered == 200) >= 6, "the replayed deliveries");
        Assert.That(requests.Select(r => r.Id).Take(3), Is.EqualTo(sent));
        Assert.That(requests.Select(r => r.Id).Skip(3).Take(3), Is.EqualTo(sent), "the same webhook-ids, in order");
        var log = await client.Deliveries(id);
        Assert.That(log.Count(d => d!["replay"]!.GetValue<bool>()), Is.EqualTo(3));

        var empty = await client.PostOk($"/api/webhooks/{id}/replay", new { since = DateTimeOffset.UtcNow.AddMinutes(5) });
        Assert.That(empty["replayed"]!.GetValue<int>(), Is.Zero);
    }
}

/// <summary>One endpoint that never answers holds only its own share; the others' deliveries go on.</summary>
public sealed class IsolationTests
{
    [Test]
    public async Task A_hanging_endpoint_holds_at_most_its_concurrency_limit_and_never_delays_another_endpoint()
    {
        await using var hanging = await WebhookReceiver.Started(_ => new ReceiverAnswer(200, Hang: true));
        await using var healthy = await WebhookReceiver.Started();
        using var client = await WebhooksSystem.SignIn(WebhooksSystem.Org("isolation"));
        var stuck = new List<string>();
        for (var i = 0; i < WebhooksSystem.PerEndpointConcurrency + 4; i++) stuck.Add((await client.Subscribe(hanging.Url)).Id);
        var (fine, _) = await client.Subscribe(healthy.Url);

        foreach (var id in stuck) await client.Ping(id);
        await hanging.Eventually(_ => hanging.InFlight == WebhooksSystem.PerEndpointConcurrency, "its limit of requests held open");

        var sent = new List<string>();
        for (var i = 0; i < 5; i++) sent.Add(await client.Ping(fine));
        await healthy.Eventually(r => sent.All(s => r.Any(x => x.Id == s)), "every delivery to the healthy endpoint");
        var lastHealthy = healthy.Requests.Max(r => r.At);

        Assert.That(hanging.MaxInFlight, Is.EqualTo(WebhooksSystem.PerEndpointConcurrency), "the per-endpoint limit");
        Assert.That(healthy.DeliveredIds(), Is.EqualTo(sent));
        // All of it happened while the hanging endpoint still held its first requests (the sender had not given up).
        Assert.That(hanging.Abandoned.DefaultIfEmpty(DateTime.MaxValue).Min(), Is.GreaterThan(lastHealthy));
    }
}
