using FluentValidation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace TradeHub.Hosting.Http;

public static class Validation
{
    /// <summary>Field names in problems are the JSON names clients send: camelCase, dotted for nested fields.</summary>
    public static void UseCamelCaseFieldNames() =>
        ValidatorOptions.Global.PropertyNameResolver = (_, member, _) =>
            member is null ? null : JsonName(member.Name);

    public static string JsonName(string name) =>
        string.IsNullOrEmpty(name) ? name : char.ToLowerInvariant(name[0]) + name[1..];

    /// <summary>Validates the request body of type T with its FluentValidation validator; answers 400 problem details naming each field.</summary>
    public static RouteHandlerBuilder Validate<T>(this RouteHandlerBuilder builder) where T : class =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var body = context.Arguments.OfType<T>().FirstOrDefault();
            if (body is null)
                return TypedResults.Problem(statusCode: 400, title: "A JSON request body is required.");
            var validator = context.HttpContext.RequestServices.GetRequiredService<IValidator<T>>();
            var result = await validator.ValidateAsync(body, context.HttpContext.RequestAborted);
            if (!result.IsValid)
                return TypedResults.ValidationProblem(result.ToDictionary(), title: "The request has invalid fields.");
            return await next(context);
        }).ProducesValidationProblem();
}
