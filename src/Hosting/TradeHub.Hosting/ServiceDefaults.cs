using System.Text.Json.Serialization;
using FluentValidation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using TradeHub.Hosting.Auth;
using TradeHub.Hosting.Http;

namespace TradeHub.Hosting;

public static class ServiceDefaults
{
    /// <summary>Problem details, JSON, token auth, validators, health, OpenTelemetry: what every TradeHub process has.</summary>
    public static WebApplicationBuilder AddServiceDefaults(this WebApplicationBuilder builder, string serviceName)
    {
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
        {
            c.ProblemDetails.Instance ??= c.HttpContext.Request.Path;
            c.ProblemDetails.Extensions["traceId"] = System.Diagnostics.Activity.Current?.TraceId.ToString()
                ?? c.HttpContext.TraceIdentifier;
        });
        builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
        // Unreadable bodies reach the exception handler, which names the field.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase));
            o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = 256 * 1024;
            // Long query strings reach the application and get a problem document naming the parameter,
            // rather than Kestrel's bare 414.
            k.Limits.MaxRequestLineSize = 64 * 1024;
            k.Limits.MaxRequestHeadersTotalSize = 96 * 1024;
        });

        Validation.UseCamelCaseFieldNames();
        // ApplicationName is the service assembly, also under WebApplicationFactory (where the entry assembly is the test host).
        // Singletons: a validator is stateless once built, and building one (its rules are expression trees) was a
        // tenth of Listings' CPU under load when it was done for every request.
        builder.Services.AddValidatorsFromAssembly(System.Reflection.Assembly.Load(builder.Environment.ApplicationName),
            ServiceLifetime.Singleton, includeInternalTypes: true);
        builder.AddTokenAuth();
        // The document names no server: by default it would carry the address the request reached (a service's
        // internal host and port, published anonymously through the gateway). "/" is the gateway, which serves
        // every path the documents list.
        builder.Services.AddOpenApi(o => o.AddTradeHubRules().AddDocumentTransformer((document, _, _) =>
        {
            document.Servers = [new OpenApiServer { Url = "/" }];
            return Task.CompletedTask;
        }));

        builder.Services.AddHealthChecks();
        builder.Logging.Configure(o => o.ActivityTrackingOptions =
            ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        builder.AddTelemetry(serviceName);
        return builder;
    }

    private static void AddTelemetry(this WebApplicationBuilder builder, string serviceName)
    {
        // Traces and metrics go to an OTLP collector when one is configured. Without one nothing would read them,
        // and recording them (a span per request, query and message) cost CPU under load for nothing.
        if (string.IsNullOrEmpty(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"])) return;
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName))
            .WithTracing(t =>
            {
                t.AddAspNetCoreInstrumentation(o => o.Filter = c => !c.Request.Path.StartsWithSegments("/health"))
                    .AddHttpClientInstrumentation()
                    .AddSource("MassTransit", "TradeHub.Outbox", "Npgsql", "Yarp.ReverseProxy")
                    .AddOtlpExporter();
            })
            .WithMetrics(m =>
            {
                m.AddAspNetCoreInstrumentation().AddHttpClientInstrumentation()
                    .AddMeter("MassTransit", "Npgsql", "TradeHub")
                    .AddOtlpExporter();
            });
    }

    /// <summary>A query value with a control character (NUL above all) is a 400 naming the parameter, never a database error.</summary>
    private static async Task RefuseControlCharactersInQuery(HttpContext http, Func<Task> next)
    {
        foreach (var (key, values) in http.Request.Query)
        {
            if (!values.Any(v => v is not null && Validation.HasControlCharacter(v)) && !Validation.HasControlCharacter(key)) continue;
            await TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { [key] = [$"'{key}' must not contain control characters."] },
                title: "The request has invalid parameters.").ExecuteAsync(http);
            return;
        }
        await next();
    }

    /// <summary>Error handling, auth, health endpoints and the service's OpenAPI document.</summary>
    public static WebApplication UseServiceDefaults(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.Use(BodyLimit.RefuseOversizedBodies(
            app.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits.MaxRequestBodySize));
        app.Use(RefuseControlCharactersInQuery);
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") });
        app.MapOpenApi();
        return app;
    }
}
