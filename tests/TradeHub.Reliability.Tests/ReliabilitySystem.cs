using System.Net.Http.Json;
using System.Text.Json.Nodes;
using TradeHub.Testing;

namespace TradeHub.Reliability.Tests;

/// <summary>Two instances of every service as competing consumers, behind one gateway, on the real servers.</summary>
[SetUpFixture]
public sealed class ReliabilitySystem
{
    public static RunningSystem System { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        System = new RunningSystem("tradehub_chaos", basePort: 18280);
        await System.Start(instancesPerService: 2);
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await System.DisposeAsync();
        // Outage tests stop servers; leave both running for whatever runs next.
        await Servers.Start("postgres");
        await Servers.Start("rabbitmq");
    }

    public static Task<ApiClient> SignIn(string organisation, string role) => ApiClient.SignIn(System.GatewayUrl, organisation, role);

    public static string Day(int d) => DateOnly.FromDateTime(DateTime.UtcNow).AddDays(d).ToString("yyyy-MM-dd");

    public static object CargoOffer(string origin = "CNTSN", string destination = "UZTAS") => new
    {
        origin, destination, readyDate = Day(3), deliverBy = Day(45),
        containers = new { count = 1, type = "40HC" }, weightKg = 15000, hsCode = "520100",
    };

    /// <summary>Posts a cargo offer (or another creation) the way a careful client does: one Idempotency-Key, retried until accepted.</summary>
    public static async Task<string?> PostUntilAccepted(ApiClient client, object body, TimeSpan patience, string path = "/api/cargo-offers")
    {
        var key = Guid.NewGuid().ToString();
        var deadline = DateTime.UtcNow + patience;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, path)
                {
                    Content = JsonContent.Create(body),
                };
                request.Headers.Add("Idempotency-Key", key);
                using var answer = await client.Http.SendAsync(request);
                if ((int)answer.StatusCode == 201)
                    return JsonNode.Parse(await answer.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
                if ((int)answer.StatusCode is >= 400 and < 500 and not 408 and not 429)
                    throw new InvalidOperationException($"refused: {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync()}");
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(250);
        }
        return null;
    }

    /// <summary>
    /// A carrier bids on the offer and the shipper awards the bid, each retried through outages; true once the award
    /// is answered 200 (or 409: an earlier attempt of it went through).
    /// </summary>
    public static async Task<bool> BidAndAward(ApiClient carrier, ApiClient shipper, string cargoOfferId, TimeSpan patience)
    {
        var bid = await PostUntilAccepted(carrier, new
        {
            price = new { amount = 2500, currency = "USD" }, transitDays = 12, validUntil = Day(10),
        }, patience, $"/api/cargo-offers/{cargoOfferId}/bids");
        if (bid is null) return false;
        var deadline = DateTime.UtcNow + patience;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var answer = await shipper.Http.PostAsync($"/api/cargo-offers/{cargoOfferId}/bids/{bid}/award", null);
                if ((int)answer.StatusCode is 200 or 409) return true;
                if ((int)answer.StatusCode is >= 400 and < 500 and not 408 and not 429)
                    throw new InvalidOperationException($"award refused: {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync()}");
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(250);
        }
        return false;
    }
}
