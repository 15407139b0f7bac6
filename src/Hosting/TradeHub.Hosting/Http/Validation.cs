using FluentValidation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace TradeHub.Hosting.Http;

public static class Validation
{
    /// <summary>Field names in problems are the JSON names clients send: camelCase, dotted for nested fields.</summary>
    public static void UseCamelCaseFieldNames()
    {
        ValidatorOptions.Global.PropertyNameResolver = (_, member, _) => member is null ? null : JsonName(member.Name);
        // Messages name the field as the client sent it ('readyDate'), not as FluentValidation would say it ('Ready Date').
        ValidatorOptions.Global.DisplayNameResolver = (_, member, _) => member is null ? null : JsonName(member.Name);
    }

    public static string JsonName(string name) =>
        string.IsNullOrEmpty(name) ? name : char.ToLowerInvariant(name[0]) + name[1..];

    /// <summary>Validates the request body of type T with its FluentValidation validator; answers 400 problem details naming each field.</summary>
    public static RouteHandlerBuilder Validate<T>(this RouteHandlerBuilder builder) where T : class =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var body = context.Arguments.OfType<T>().FirstOrDefault();
            if (body is null)
                return TypedResults.Problem(statusCode: 400, title: "A JSON request body is required.");
            if (FieldsWithControlCharacters(body, "").FirstOrDefault() is { } field)
                return TypedResults.ValidationProblem(new Dictionary<string, string[]>
                    { [field] = [$"'{field}' must not contain control characters."] }, title: "The request has invalid fields.");
            var validator = context.HttpContext.RequestServices.GetRequiredService<IValidator<T>>();
            var result = await validator.ValidateAsync(body, context.HttpContext.RequestAborted);
            if (!result.IsValid)
                return TypedResults.ValidationProblem(result.ToDictionary(), title: "The request has invalid fields.");
            return await next(context);
        }).ProducesValidationProblem();

    /// <summary>
    /// NUL and other control characters are never valid in TradeHub's text fields (PostgreSQL cannot even store
    /// NUL), so they are refused for every string of a request, nested records included, before any validator runs.
    /// </summary>
    internal static IEnumerable<string> FieldsWithControlCharacters(object? value, string prefix, int depth = 0)
    {
        if (value is null || depth > 4) yield break;
        foreach (var property in value.GetType().GetProperties())
        {
            if (property.GetIndexParameters().Length > 0) continue;
            var name = prefix + JsonName(property.Name);
            switch (property.GetValue(value))
            {
                case string text when HasControlCharacter(text):
                    yield return name;
                    break;
                case { } nested when property.PropertyType.IsClass && property.PropertyType != typeof(string)
                                     && property.PropertyType.Namespace?.StartsWith("TradeHub", StringComparison.Ordinal) == true:
                    foreach (var field in FieldsWithControlCharacters(nested, name + ".", depth + 1)) yield return field;
                    break;
            }
        }
    }

    public static bool HasControlCharacter(string text) => text.Any(c => c < ' ' && c is not ('\n' or '\r' or '\t'));
}
