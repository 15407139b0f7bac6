using FluentValidation;

namespace TradeHub.Routing.Network;

public static class NetworkServices
{
    /// <summary>The in-memory network, its sync with the database, and this assembly's validators.</summary>
    public static IHostApplicationBuilder AddRouteNetwork(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<NetworkState>();
        builder.Services.Configure<NetworkSyncOptions>(builder.Configuration.GetSection("Routing:NetworkSync"));
        builder.Services.AddHostedService<NetworkSync>();
        // AddServiceDefaults scans the entry assembly; under a test host that is not this one.
        builder.Services.AddValidatorsFromAssemblyContaining<NetworkState>(includeInternalTypes: true);
        return builder;
    }
}
