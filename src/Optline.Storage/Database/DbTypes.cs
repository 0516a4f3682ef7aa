using System.Data;

namespace Optline.Storage.Database;

/// <summary>The database type a null of a given .NET type is sent as, worked out once per type.</summary>
internal static class DbTypes<T>
{
    public static readonly DbType? Null = (Type.GetTypeCode(Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T))) switch
    {
        TypeCode.String => DbType.String,
        TypeCode.Int64 => DbType.Int64,
        TypeCode.Int32 => DbType.Int32,
        TypeCode.Boolean => DbType.Boolean,
        TypeCode.Double => DbType.Double,
        _ => typeof(T) == typeof(byte[]) ? DbType.Binary : null,
    };
}
