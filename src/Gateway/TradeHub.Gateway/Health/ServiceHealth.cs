using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace TradeHub.Gateway.Health;

/// <summary>Section Services: each service's own base address (for readiness and its OpenAPI document).</summary>
public sealed class ServiceDirectory(IReadOnlyDictionary<string, Uri> services)
{
    public static readonly string[] Names = ["listings", "routing", "matching", "shipments", "webhooks", "tenders", "pools"];
    public IReadOnlyDictionary<string, Uri> Services { get; } = services;

    public static ServiceDirectory From(IConfiguration configuration, int[] defaultPorts) =>
        new(Names.Select((name, i) => (name, address: configuration[$"Services:{name}"]
                ?? $"http://127.0.0.1:{defaultPorts[i]}"))
            .ToDictionary(s => s.name, s => new Uri(s.address.TrimEnd('/') + "/"), StringComparer.Ordinal));
}

public static class ServiceHealth
{
    public const string Client = "services";

    /// <summary>The gateway is ready when the bus answers (MassTransit's own check) and every service says it is ready.</summary>
    public static WebApplicationBuilder AddServiceHealth(this WebApplicationBuilder builder)
    {
        var directory = ServiceDirectory.From(builder.Configuration, [8081, 8082, 8083, 8084, 8085, 8086, 8087]);
        builder.Services.AddSingleton(directory);
        builder.Services.AddHttpClient(Client, c => c.Timeout = TimeSpan.FromSeconds(3));
        var checks = builder.Services.AddHealthChecks();
        foreach (var (name, address) in directory.Services)
            checks.Add(new HealthCheckRegistration(name,
                sp => new ServiceReadyCheck(sp.GetRequiredService<IHttpClientFactory>(), new Uri(address, "health/ready")),
                HealthStatus.Unhealthy, ["ready"], TimeSpan.FromSeconds(3)));
        return builder;
    }

    private sealed class ServiceReadyCheck(IHttpClientFactory clients, Uri ready) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
        {
            try
            {
                using var response = await clients.CreateClient(Client).GetAsync(ready, ct);
                return response.IsSuccessStatusCode
                    ? HealthCheckResult.Healthy()
                    : HealthCheckResult.Unhealthy($"{ready} answered {(int)response.StatusCode}");
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                return HealthCheckResult.Unhealthy($"{ready} does not answer", e);
            }
        }
    }
}
