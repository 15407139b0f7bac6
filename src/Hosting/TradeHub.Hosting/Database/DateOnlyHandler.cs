using System.Data;
using Dapper;

namespace TradeHub.Hosting.Database;

/// <summary>Dapper reads PostgreSQL dates as DateTime; the API's dates are DateOnly.</summary>
internal sealed class DateOnlyHandler : SqlMapper.TypeHandler<DateOnly>
{
    public override void SetValue(IDbDataParameter parameter, DateOnly value)
    {
        parameter.DbType = DbType.Date;
        parameter.Value = value;
    }

    public override DateOnly Parse(object value) => value switch
    {
        DateOnly d => d,
        DateTime dt => DateOnly.FromDateTime(dt),
        _ => throw new DataException($"Cannot read {value.GetType()} as a date"),
    };
}
