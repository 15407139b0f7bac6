using Microsoft.AspNetCore.Mvc;

namespace TradeHub.Gateway;

/// <summary>Writes the gateway's own RFC 7807 answers (limits, proxy errors) through the shared problem details service.</summary>
internal static class Problem
{
    public static async Task Write(HttpContext http, int status, string title, string? detail = null, string? type = null)
    {
        http.Response.StatusCode = status;
        var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail, Type = type },
        });
    }
}
