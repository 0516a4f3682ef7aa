using System.Globalization;

namespace Optline.Server.Api;

/// <summary><c>limit</c> (default 100, max 1,000) and the opaque <c>next</c> cursor of every list.</summary>
public readonly record struct Paging(int Limit, long After)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    public static bool TryParse(HttpRequest request, out Paging paging, out string error)
    {
        paging = new Paging(DefaultLimit, 0);
        error = string.Empty;
        var limitText = request.Query["limit"].ToString();
        var limit = DefaultLimit;
        if (limitText.Length > 0 && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > MaxLimit))
        {
            error = $"limit must be a whole number from 1 to {MaxLimit}.";
            return false;
        }

        var cursor = request.Query["next"].ToString();
        long after = 0;
        if (cursor.Length > 0 && (!long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out after) || after < 0))
        {
            error = "next must be the cursor returned by the previous page.";
            return false;
        }

        paging = new Paging(limit, after);
        return true;
    }

    public static string? Next<T>(IReadOnlyList<T> page, int limit, Func<T, long> cursor) =>
        page.Count == limit && page.Count > 0 ? cursor(page[^1]).ToString(CultureInfo.InvariantCulture) : null;
}
