using System.Text.Json;
using Optline.Storage.Database;

namespace Optline.Storage.Outbox;

/// <summary>
/// A list of values as one parameter, so a set-based statement has one text whatever the number of rows (a prepared
/// statement can be reused): a JSON array read with <c>json_each</c> on SQLite, an array on PostgreSQL.
/// </summary>
internal static class SqlLists
{
    /// <summary>The membership test for <paramref name="parameter"/>: append to a column, as in <c>o.id {In("@ids")}</c>.</summary>
    public static string In(Dialect dialect, string parameter) =>
        dialect.IsPostgres ? $"= ANY({parameter})" : $"IN (SELECT value FROM json_each({parameter}))";

    /// <summary>Like <see cref="In"/> for uuids (SQLite stores them as 16-byte blobs, JSON carries them as hex).</summary>
    public static string InUuids(Dialect dialect, string parameter) =>
        dialect.IsPostgres ? $"= ANY({parameter})" : $"IN (SELECT unhex(value) FROM json_each({parameter}))";

    public static object Longs(Dialect dialect, IEnumerable<long> values) =>
        dialect.IsPostgres ? values.ToArray() : Json(w => { foreach (var v in values) { w.WriteNumberValue(v); } });

    public static object Uuids(Dialect dialect, IEnumerable<Guid> values) =>
        dialect.IsPostgres ? values.ToArray() : Json(w => { foreach (var v in values) { w.WriteStringValue(Hex(v)); } });

    /// <summary>A JSON array written by <paramref name="items"/> (no reflection: the host may be trimmed).</summary>
    public static string Json(Action<Utf8JsonWriter> items)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            items(writer);
            writer.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The bytes SQLite stores for a uuid (<see cref="SqliteDialect.Uuid"/>), as hex.</summary>
    public static string Hex(Guid id) => Convert.ToHexString(id.ToByteArray());
}
