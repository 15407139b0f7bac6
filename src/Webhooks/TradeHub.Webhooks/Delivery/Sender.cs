using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text;
using Dapper;
using Npgsql;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using StandardWebhooks;
using TradeHub.Hosting.Messaging;
using TradeHub.Webhooks.Contracts;
using TradeHub.Webhooks.Events;
using TradeHub.Webhooks.Subscriptions;

namespace TradeHub.Webhooks.Delivery;

/// <summary>
/// One attempt of one delivery: signs it (Standard Webhooks; during a rotation's overlap with the old secret too),
/// posts it through the endpoint's resilience pipeline (concurrency limit, circuit, 15 s timeout; redirects are not
/// followed), reads at most a little of the answer, and records the outcome: success, a retry at its back-off (or
/// when Retry-After says), or failure; 410 and failing for too long disable the subscription.
/// </summary>
public sealed class Sender(
    NpgsqlDataSource db, Completions completions, Outbox outbox, DeliveriesQueued dispatcher, IHttpClientFactory clients, SecretBox secrets, WebhooksOptions options, TimeProvider clock,
    IMeterFactory meters, ILogger<Sender> log)
{
    public const string Client = "webhooks";
    private const int ResponseReadLimit = 4096;

    private readonly Counter<long> _deliveries = meters.Create("TradeHub")
        .CreateCounter<long>("tradehub.webhooks.deliveries", description: "Webhook delivery attempts, by outcome");
    private readonly Counter<long> _failures = meters.Create("TradeHub")
        .CreateCounter<long>("tradehub.webhooks.failures", description: "Failed webhook delivery attempts");
    private readonly Histogram<double> _latency = meters.Create("TradeHub")
        .CreateHistogram<double>("tradehub.webhooks.latency", "ms", "Time from sending a webhook to its answer");
    private readonly Histogram<double> _eventToDelivery = meters.Create("TradeHub")
        .CreateHistogram<double>("tradehub.webhooks.event_to_delivery", "ms", "Time from queueing a webhook to its successful delivery");

    private sealed record Outcome(int? Status, string? Error, TimeSpan? RetryAfter, bool Postponed = false);

    public static string WebhookId(Guid eventId) => $"msg_{eventId:N}";

    public async Task Send(ClaimedDelivery delivery, CancellationToken ct)
    {
        var started = clock.GetUtcNow();
        var watch = Stopwatch.StartNew();
        var outcome = await Post(delivery, started, ct);
        var latency = (int)watch.ElapsedMilliseconds;
        if (outcome.Postponed)
        {
            await Postpone(delivery, outcome.RetryAfter ?? TimeSpan.FromMilliseconds(250));
            return;
        }
        _latency.Record(latency);
        var attempt = delivery.Attempts + 1;
        if (outcome.Status is >= 200 and < 300)
        {
            _deliveries.Add(1, new KeyValuePair<string, object?>("outcome", "succeeded"));
            _eventToDelivery.Record((clock.GetUtcNow().UtcDateTime - delivery.CreatedAt).TotalMilliseconds);
            await completions.Record(new Succeeded(delivery.Id, delivery.SubscriptionId, attempt, started.UtcDateTime, outcome.Status.Value, latency));
            return;
        }

        _failures.Add(1, new KeyValuePair<string, object?>("status", outcome.Status?.ToString() ?? "none"));
        var now = clock.GetUtcNow();
        var gone = outcome.Status == (int)HttpStatusCode.Gone;
        var giveUp = gone || now.UtcDateTime >= delivery.CreatedAt + options.RetryFor;
        _deliveries.Add(1, new KeyValuePair<string, object?>("outcome", giveUp ? "failed" : "retry"));
        var next = now + (outcome.RetryAfter ?? Backoff(attempt));
        await using (var connection = await db.OpenConnectionAsync(CancellationToken.None))
        {
            var failingSince = await connection.QuerySingleOrDefaultAsync<DateTime?>(FailedSql, new
            {
                delivery.Id, delivery.SubscriptionId, Attempt = attempt, At = started, outcome.Status, Latency = latency,
                Error = outcome.Error, GiveUp = giveUp, NextAttemptAt = next,
            });
            if (gone)
                await Disable(connection, delivery, "gone", outcome.Status);
            else if (failingSince is { } since && now.UtcDateTime - since >= options.DisableAfter)
                await Disable(connection, delivery, "failing", outcome.Status);
        }
    }

    /// <summary>Exponential back-off with jitter: the n-th retry waits between half and all of FirstRetryDelay * 2^(n-1), capped.</summary>
    internal TimeSpan Backoff(int attempt)
    {
        var ceiling = Math.Min(options.MaxRetryDelay.TotalMilliseconds,
            options.FirstRetryDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 30)));
        return TimeSpan.FromMilliseconds(ceiling / 2 + Random.Shared.NextDouble() * ceiling / 2);
    }

    private async Task<Outcome> Post(ClaimedDelivery delivery, DateTimeOffset now, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Url);
        request.Content = new StringContent(delivery.Body, Encoding.UTF8, "application/json");
        request.Headers.TryAddWithoutValidation("webhook-id", WebhookId(delivery.EventId));
        request.Headers.TryAddWithoutValidation("webhook-timestamp", now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("webhook-signature", Signatures(delivery, now));
        request.Headers.UserAgent.ParseAdd("TradeHub-Webhooks/1");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Timeout);
        try
        {
            using var response = await clients.CreateClient(Client)
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            var snippet = await ReadSome(response, timeout.Token);
            TimeSpan? retryAfter = status is 429 or 503 ? RetryAfter(response, now) : null;
            return new Outcome(status, status is >= 200 and < 300 ? null : Describe(status, snippet), retryAfter);
        }
        catch (BrokenCircuitException)
        {
            // The endpoint's circuit is open: not an attempt; look again within the break (a half-open probe goes through).
            return new Outcome(null, null, options.CircuitBreakDuration / 2, Postponed: true);
        }
        catch (RateLimiterRejectedException)
        {
            // The endpoint already has its share in flight: not an attempt; try again shortly.
            return new Outcome(null, null, TimeSpan.FromMilliseconds(100 + Random.Shared.Next(200)), Postponed: true);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or Polly.Timeout.TimeoutRejectedException
                                      or RefusedAddressException or IOException)
        {
            return new Outcome(null, Describe(e), null);
        }
    }

    /// <summary>The current secret's signature, and the previous secret's while a rotation's overlap lasts.</summary>
    private string Signatures(ClaimedDelivery delivery, DateTimeOffset now)
    {
        var id = WebhookId(delivery.EventId);
        var signature = new StandardWebhook(secrets.Open(delivery.SubscriptionId, delivery.Secret)).Sign(id, now, delivery.Body);
        if (delivery.PreviousSecret is { } previous && delivery.PreviousSecretUntil > now.UtcDateTime)
            signature += " " + new StandardWebhook(secrets.Open(delivery.SubscriptionId, previous)).Sign(id, now, delivery.Body);
        return signature;
    }

    private static async Task<string> ReadSome(HttpResponseMessage response, CancellationToken ct)
    {
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new byte[ResponseReadLimit];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await body.ReadAsync(buffer.AsMemory(read), ct);
            if (n == 0) break;
            read += n;
        }
        return Encoding.UTF8.GetString(buffer, 0, read);
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now)
    {
        var value = response.Headers.RetryAfter;
        var wait = value?.Delta ?? (value?.Date is { } date ? date - now : null);
        if (wait is null) return null;
        return wait < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1)
            : wait > TimeSpan.FromDays(1) ? TimeSpan.FromDays(1) : wait;
    }

    private static string Describe(int status, string snippet)
    {
        var text = snippet.Length > 300 ? snippet[..300] : snippet;
        return status is >= 300 and < 400 ? $"HTTP {status} (redirects are not followed)" : $"HTTP {status}: {text}".TrimEnd(' ', ':');
    }

    private static string Describe(Exception e) => e switch
    {
        RefusedAddressException r => r.Message,
        HttpRequestException { InnerException: RefusedAddressException r } => r.Message,
        OperationCanceledException or Polly.Timeout.TimeoutRejectedException => "No answer within the timeout.",
        HttpRequestException h => h.HttpRequestError == HttpRequestError.Unknown ? h.Message : $"{h.HttpRequestError}: {h.Message}",
        _ => e.Message,
    };

    private const string FailedSql = """
        UPDATE deliveries SET attempts = @Attempt, last_status = @Status, last_error = @Error, lease_until = NULL,
            status = CASE WHEN @GiveUp THEN 'failed' ELSE 'pending' END,
            completed_at = CASE WHEN @GiveUp THEN now() END,
            next_attempt_at = @NextAttemptAt
        WHERE id = @Id AND status = 'pending';
        INSERT INTO delivery_attempts (delivery_id, attempt, at, status_code, latency_ms, error)
        VALUES (@Id, @Attempt, @At, @Status, @Latency, @Error) ON CONFLICT DO NOTHING;
        UPDATE subscriptions SET failing_since = COALESCE(failing_since, @At) WHERE id = @SubscriptionId
        RETURNING failing_since;
        """;

    private const string PostponeSql = """
        UPDATE deliveries SET lease_until = NULL, next_attempt_at = now() + @Wait WHERE id = @Id AND status = 'pending'
        """;

    private async Task Postpone(ClaimedDelivery delivery, TimeSpan wait)
    {
        await using var connection = await db.OpenConnectionAsync(CancellationToken.None);
        await connection.ExecuteAsync(PostponeSql, new { delivery.Id, Wait = wait });
    }

    private const string DisableSql = """
        UPDATE subscriptions SET enabled = false, disabled_reason = @Reason, updated_at = now()
        WHERE id = @Id AND enabled RETURNING url
        """;

    /// <summary>
    /// Disables the subscription and tells its organisation: WebhookDisabled on the bus (outbox) and a
    /// webhook.disabled delivery to its other subscriptions that asked for it, in one transaction.
    /// </summary>
    private async Task Disable(NpgsqlConnection connection, ClaimedDelivery delivery, string reason, int? status)
    {
        await using var tx = await connection.BeginTransactionAsync();
        var url = await connection.QuerySingleOrDefaultAsync<string>(DisableSql, new { Id = delivery.SubscriptionId, Reason = reason }, tx);
        if (url is null) return;
        var disabled = new WebhookDisabled
        {
            WebhookId = delivery.SubscriptionId, Org = delivery.Org, Url = url, Reason = reason, LastStatusCode = status,
            DisabledAt = clock.GetUtcNow(),
        };
        await using var work = outbox.Enlist(connection, tx);
        await work.Enqueue(disabled);
        var queued = await WebhookEvent.FanOut(connection, tx, Guid.CreateVersion7(), EventTypes.WebhookDisabled, [delivery.Org],
            disabled.DisabledAt, new { webhookId = disabled.WebhookId, disabled.Url, disabled.Reason, disabled.LastStatusCode, disabled.DisabledAt });
        await work.Commit();
        if (queued > 0) dispatcher.Wake();
        log.LogWarning("Webhook {Webhook} of {Org} disabled ({Reason}, last status {Status})", delivery.SubscriptionId, delivery.Org, reason, status);
    }
}
