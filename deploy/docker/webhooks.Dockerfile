# syntax=docker/dockerfile:1
# TradeHub Webhooks image. Build from the repository root (the context is the whole solution):
#   docker build -f deploy/docker/webhooks.Dockerfile -t tradehub/webhooks .
# The Dockerfiles differ only in the service name (tests/TradeHub.Deploy.Tests checks that).

# ---- build: SDK image; restore is its own layer, so a code change does not re-download packages
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /repo
# Only what `dotnet restore` reads: the solution-wide props, the SDK pin and the project files this
# service references (Hosting and the contract projects), plus the health probe's.
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/Hosting/TradeHub.Hosting/TradeHub.Hosting.csproj src/Hosting/TradeHub.Hosting/
COPY src/Listings/TradeHub.Listings.Contracts/TradeHub.Listings.Contracts.csproj src/Listings/TradeHub.Listings.Contracts/
COPY src/Routing/TradeHub.Routing.Contracts/TradeHub.Routing.Contracts.csproj src/Routing/TradeHub.Routing.Contracts/
COPY src/Matching/TradeHub.Matching.Contracts/TradeHub.Matching.Contracts.csproj src/Matching/TradeHub.Matching.Contracts/
COPY src/Shipments/TradeHub.Shipments.Contracts/TradeHub.Shipments.Contracts.csproj src/Shipments/TradeHub.Shipments.Contracts/
COPY src/Tenders/TradeHub.Tenders.Contracts/TradeHub.Tenders.Contracts.csproj src/Tenders/TradeHub.Tenders.Contracts/
COPY src/Webhooks/TradeHub.Webhooks.Contracts/TradeHub.Webhooks.Contracts.csproj src/Webhooks/TradeHub.Webhooks.Contracts/
COPY src/Pools/TradeHub.Pools.Contracts/TradeHub.Pools.Contracts.csproj src/Pools/TradeHub.Pools.Contracts/
COPY src/Webhooks/TradeHub.Webhooks/TradeHub.Webhooks.csproj src/Webhooks/TradeHub.Webhooks/
COPY deploy/docker/HealthProbe/TradeHub.HealthProbe.csproj deploy/docker/HealthProbe/
RUN dotnet restore src/Webhooks/TradeHub.Webhooks/TradeHub.Webhooks.csproj \
 && dotnet restore deploy/docker/HealthProbe/TradeHub.HealthProbe.csproj

# Sources, and the corridor reference data the hosting library embeds (samples/corridors/nodes.csv, edges.csv).
COPY src/ src/
COPY samples/corridors/ samples/corridors/
COPY deploy/docker/HealthProbe/ deploy/docker/HealthProbe/
RUN dotnet publish src/Webhooks/TradeHub.Webhooks/TradeHub.Webhooks.csproj \
        -c Release --no-restore -o /out/app -p:UseAppHost=false \
 && dotnet publish deploy/docker/HealthProbe/TradeHub.HealthProbe.csproj \
        -c Release --no-restore -o /out/probe -p:UseAppHost=false

# ---- runtime: chiseled ASP.NET Core (Ubuntu 24.04): no shell, no package manager, small attack surface
FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled AS runtime
WORKDIR /app
COPY --from=build /out/app/ /app/
COPY --from=build /out/probe/ /probe/
# All TradeHub containers listen on 8080; compose and Kubernetes map it.
ENV ASPNETCORE_URLS=http://+:8080
# Gen0 budget: the runtime sizes it from the L3 cache, which some VMs report as hundreds of MB.
ENV DOTNET_GCgen0size=0x1000000
EXPOSE 8080
# APP_UID (1654, user "app") comes from the .NET base images.
USER $APP_UID
# Chiseled images have no curl and no shell, so the check is a tiny .NET program (deploy/docker/HealthProbe)
# that GETs a URL and exits 0 on 2xx, 1 otherwise. It checks liveness, not readiness: the engine must not
# restart a container only because PostgreSQL or RabbitMQ is briefly away (Kubernetes ignores HEALTHCHECK
# and uses its own probes on /health/live and /health/ready).
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["dotnet", "/probe/TradeHub.HealthProbe.dll", "http://127.0.0.1:8080/health/live"]
ENTRYPOINT ["dotnet", "/app/TradeHub.Webhooks.dll"]
