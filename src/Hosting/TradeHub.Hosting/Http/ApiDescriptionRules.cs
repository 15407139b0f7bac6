using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace TradeHub.Hosting.Http;

/// <summary>
/// The rules every service's OpenAPI document follows, so that clients generated from it are usable: the problem
/// answers an operation can give (RFC 7807, application/problem+json) follow from what the operation is (protected,
/// has a body, a path id, query parameters, creates something), the tags are declared, and an operation that needs
/// no token says so. Names and summaries are each endpoint's own (.WithName, .WithSummary): no rule can write them.
/// </summary>
public static class ApiDescriptionRules
{
    public const string ProblemSchema = "ProblemDetails";
    public const string ProblemJson = "application/problem+json";

    /// <summary>What each tag groups; a tag missing here is still declared, without a description.</summary>
    private static readonly Dictionary<string, string> TagDescriptions = new(StringComparer.Ordinal)
    {
        ["Cargo offers"] = "Cargo that shippers (SMEs) offer for transport.",
        ["Bids"] = "Carriers' prices for a cargo offer, and the owner's award.",
        ["Capacity offers"] = "Space that carriers offer on a lane.",
        ["Trade offers"] = "Goods that SMEs offer to sell or want to buy.",
        ["Routes"] = "Route options through the corridor network.",
        ["Network"] = "The corridor network's nodes and legs (public).",
        ["Disruptions"] = "Closed nodes and legs; routes avoid them.",
        ["Matches"] = "Proposed pairings of cargo with capacity or of trade offers.",
        ["Flows"] = "Matched trade flows for trade offices.",
        ["Events"] = "Live events as server-sent events.",
        ["Shipments"] = "Booked shipments leg by leg: tracking events, estimated times, delivery and share links.",
        ["Tracking"] = "A shared shipment's public tracking page (no token; the link is the secret).",
        ["Corridor performance"] = "Transit times and border dwell from actual events, for trade offices.",
        ["Webhooks"] = "Signed HTTP callbacks of the organisation's events, their deliveries and replays.",
        ["Pools"] = "Consolidation pools: SME cargo, full containers and loose, filling shared containers and block trains.",
        ["Dev"] = "Local development helpers (absent in production).",
    };

    private static readonly Dictionary<int, string> ProblemTitles = new()
    {
        [400] = "The request is invalid; errors name each field.",
        [401] = "No valid bearer token.",
        [403] = "The caller's role or organisation may not do this.",
        [404] = "No such resource.",
        [409] = "The resource's state or an earlier request with the same Idempotency-Key conflicts.",
        [413] = "The request body is too large.",
        [415] = "The body is not application/json.",
        [429] = "Too many requests; retry after the time in Retry-After.",
    };

    public static OpenApiOptions AddTradeHubRules(this OpenApiOptions options)
    {
        options.AddOperationTransformer((operation, context, _) =>
        {
            Describe(operation, context);
            return Task.CompletedTask;
        });
        options.AddDocumentTransformer((document, _, _) =>
        {
            DeclareTagsAndProblem(document);
            return Task.CompletedTask;
        });
        return options;
    }

    private static void Describe(OpenApiOperation operation, OpenApiOperationTransformerContext context)
    {
        var description = context.Description;
        var metadata = description.ActionDescriptor.EndpointMetadata;
        var anonymous = metadata.OfType<IAllowAnonymous>().Any() || !metadata.OfType<IAuthorizeData>().Any();
        var policy = metadata.OfType<IAuthorizeData>().Any(a => !string.IsNullOrEmpty(a.Policy) || !string.IsNullOrEmpty(a.Roles));
        var method = description.HttpMethod?.ToUpperInvariant() ?? "GET";
        var hasBody = operation.RequestBody is not null
                      || description.ParameterDescriptions.Any(p => p.Source == BindingSource.Body);
        var hasQuery = operation.Parameters?.Any(p => p.In == ParameterLocation.Query) == true;
        var hasPath = operation.Parameters?.Any(p => p.In == ParameterLocation.Path) == true
                      || description.RelativePath?.Contains('{', StringComparison.Ordinal) == true;

        var problems = new SortedSet<int>();
        foreach (var (code, response) in operation.Responses ?? [])
            if (code.Length == 3 && code[0] == '4' && int.TryParse(code, out var status) && response.Content is not { Count: > 0 })
                problems.Add(status);
        if (hasBody || hasQuery) problems.Add(400);
        if (!anonymous)
        {
            problems.Add(401);
            // Writes check role and ownership; reads of one resource check ownership; policies check role.
            if (method != "GET" || hasPath || policy) problems.Add(403);
            if (method == "POST") problems.Add(409);
        }
        if (hasPath) problems.Add(404);
        if (hasBody)
        {
            problems.Add(413);
            problems.Add(415);
        }
        if (description.RelativePath?.StartsWith("api/", StringComparison.Ordinal) == true) problems.Add(429);

        operation.Responses ??= [];
        foreach (var status in problems)
        {
            var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
            operation.Responses[key] = new OpenApiResponse
            {
                Description = operation.Responses.TryGetValue(key, out var existing) && !string.IsNullOrEmpty(existing.Description)
                              && existing.Description != "Bad Request" && existing.Description != "Not Found"
                    ? existing.Description
                    : ProblemTitles.GetValueOrDefault(status, "A problem."),
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    [ProblemJson] = new() { Schema = new OpenApiSchemaReference(ProblemSchema, context.Document) },
                },
            };
        }

        // The merged document asks for a bearer token everywhere; an operation that needs none says so.
        if (anonymous) operation.Security = [];
    }

    private static void DeclareTagsAndProblem(OpenApiDocument document)
    {
        var used = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var path in document.Paths.Values)
            foreach (var operation in path.Operations?.Values ?? Enumerable.Empty<OpenApiOperation>())
                foreach (var tag in operation.Tags ?? Enumerable.Empty<OpenApiTagReference>())
                    if (tag.Name is { } name) used.Add(name);
        document.Tags ??= new HashSet<OpenApiTag>();
        foreach (var name in used)
            if (!document.Tags.Any(t => t.Name == name))
                document.Tags.Add(new OpenApiTag { Name = name, Description = TagDescriptions.GetValueOrDefault(name) });

        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        // Set, not added: an endpoint that names the framework's ProblemDetails would otherwise leave its shape, without
        // errors, in this document, and the gateway's merged document would then differ from the services' documents.
        document.Components.Schemas[ProblemSchema] = Problem();
    }

    /// <summary>RFC 7807 problem details as the services write them; errors maps a field to its messages.</summary>
    private static OpenApiSchema Problem()
    {
        OpenApiSchema Text() => new() { Type = JsonSchemaType.String | JsonSchemaType.Null };
        return new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["type"] = Text(),
                ["title"] = Text(),
                ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer | JsonSchemaType.Null, Format = "int32" },
                ["detail"] = Text(),
                ["instance"] = Text(),
                ["errors"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    AdditionalProperties = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String },
                    },
                },
            },
        };
    }
}
