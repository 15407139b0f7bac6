using FluentValidation;
using TradeHub.Webhooks.Events;

namespace TradeHub.Webhooks.Subscriptions;

/// <summary>POST /api/webhooks.</summary>
public sealed record CreateSubscription(string? Url, IReadOnlyList<string>? Events, string? Description);

/// <summary>PATCH /api/webhooks/{id}: what is given changes.</summary>
public sealed record UpdateSubscription(string? Url, IReadOnlyList<string>? Events, bool? Enabled, string? Description);

/// <summary>POST /api/webhooks/{id}/replay.</summary>
public sealed record ReplayDeliveries(DateTimeOffset? Since, DateTimeOffset? Until, IReadOnlyList<string>? Events);

internal static class SubscriptionRules
{
    public const int MaxEvents = 50;

    public static IRuleBuilderOptions<T, IReadOnlyList<string>?> KnownEventTypes<T>(this IRuleBuilder<T, IReadOnlyList<string>?> rule) =>
        rule.Must(events => events is null || events.Count <= MaxEvents)
            .WithMessage($"'events' must name at most {MaxEvents} event types.")
            .Must(events => events is null || events.All(e => e == EventTypes.All || EventTypes.Known.Contains(e ?? "")))
            .WithMessage($"'events' must be [\"*\"] or event types among: {string.Join(", ", EventTypes.Known.Order(StringComparer.Ordinal))}.");

    /// <summary>The URL check, resolving the host: refused URLs are a 400 naming 'url'.</summary>
    public static IRuleBuilderOptionsConditions<T, string?> SafeUrl<T>(this IRuleBuilder<T, string?> rule, UrlSafety safety) =>
        rule.CustomAsync(async (url, context, ct) =>
        {
            if (await safety.Refusal(url, ct) is { } refusal) context.AddFailure("url", refusal);
        });
}

public sealed class CreateSubscriptionValidator : AbstractValidator<CreateSubscription>
{
    public CreateSubscriptionValidator(UrlSafety safety)
    {
        RuleFor(r => r.Url).SafeUrl(safety);
        RuleFor(r => r.Events).NotEmpty().WithMessage("'events' must name at least one event type, or \"*\".").KnownEventTypes();
        RuleFor(r => r.Description).MaximumLength(500);
    }
}

public sealed class UpdateSubscriptionValidator : AbstractValidator<UpdateSubscription>
{
    public UpdateSubscriptionValidator(UrlSafety safety)
    {
        When(r => r.Url is not null, () => RuleFor(r => r.Url).SafeUrl(safety));
        When(r => r.Events is not null, () => RuleFor(r => r.Events)
            .NotEmpty().WithMessage("'events' must name at least one event type, or \"*\".").KnownEventTypes());
        RuleFor(r => r.Description).MaximumLength(500);
    }
}

public sealed class ReplayDeliveriesValidator : AbstractValidator<ReplayDeliveries>
{
    public ReplayDeliveriesValidator()
    {
        RuleFor(r => r.Since).NotNull();
        RuleFor(r => r.Until).GreaterThan(r => r.Since).When(r => r.Until is not null && r.Since is not null)
            .WithMessage("'until' must be after 'since'.");
        RuleFor(r => r.Events).KnownEventTypes();
    }
}
