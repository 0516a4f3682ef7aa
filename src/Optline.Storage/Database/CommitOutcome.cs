using System.Data.Common;
using System.Diagnostics;
using System.Globalization;

namespace Optline.Storage.Database;

/// <summary>
/// Whether a PostgreSQL transaction was committed, asked once its connection broke while the commit was on its way.
/// The server may have made the commit durable and died (or lost the connection) before it answered: telling the
/// caller "nothing was stored" would then be false, and a client sending its message again would store it twice.
/// Each batch writes a marker with its commit; once its transaction is no longer running, the marker is there if and
/// only if the batch committed. The transaction's id tells whether it still runs (its server process may not have
/// noticed yet that the connection is gone): its status alone cannot be trusted after a crash, since PostgreSQL may
/// then give the id of a transaction that never reached the disk to a new one.
/// </summary>
internal static class CommitOutcome
{
    public const string CurrentTransactionSql = "SELECT txid_current()";

    public const string InsertMarkerSql = "INSERT INTO commit_markers (token, written_at) VALUES ($1, $2)";

    /// <summary>How long markers are kept: far longer than anyone waits for an outcome.</summary>
    public static readonly TimeSpan KeepMarkersFor = TimeSpan.FromMinutes(10);

    /// <summary>
    /// True when the transaction was committed, false when it was not (it was rolled back, or never reached the commit,
    /// which a restarted server reports as aborted), null when the database did not tell within <paramref name="patience"/>.
    /// Waits while the database is unreachable and while the transaction is still in progress (its server process has
    /// not yet noticed that the connection is gone).
    /// </summary>
    public static async Task<bool?> FindAsync(Dialect dialect, long transactionId, string marker, TimeSpan patience, CancellationToken cancellationToken)
    {
        var asking = Stopwatch.StartNew();
        var pause = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            if (await CommittedAsync(dialect, transactionId, marker, cancellationToken) is { } committed)
            {
                return committed;
            }

            if (asking.Elapsed + pause > patience)
            {
                return null;
            }

            await Task.Delay(pause, cancellationToken);
            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromSeconds(1).Ticks));
        }
    }

    /// <summary>Whether the batch committed; null while its transaction still runs or the database cannot be asked.</summary>
    private static async Task<bool?> CommittedAsync(Dialect dialect, long transactionId, string marker, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = dialect.CreateConnection();
            await connection.OpenAsync(cancellationToken);
            if (await StillRunsAsync(connection, transactionId, cancellationToken))
            {
                return null;
            }

            await using var command = connection.Command("SELECT COUNT(*) FROM commit_markers WHERE token = @marker").With("@marker", marker);
            return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) == 1;
        }
        catch (Exception ex) when (ex is DbException or IOException or TimeoutException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>
    /// Whether a transaction with the id runs. An id beyond the last one PostgreSQL gave (after a crash it may start
    /// again below ids given before) is no transaction at all.
    /// </summary>
    private static async Task<bool> StillRunsAsync(DbConnection connection, long transactionId, CancellationToken cancellationToken)
    {
        await using var command = connection.Command("SELECT txid_status(@id)").With("@id", transactionId);
        try
        {
            return await command.ExecuteScalarAsync(cancellationToken) as string == "in progress";
        }
        catch (DbException ex) when (ex.SqlState == "22023")
        {
            return false;
        }
    }

    /// <summary>Deletes the markers older than <see cref="KeepMarkersFor"/>; returns how many.</summary>
    public static async Task<int> DeleteOldMarkersAsync(Dialect dialect, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = dialect.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.Command("DELETE FROM commit_markers WHERE written_at < @before")
            .With("@before", (now - KeepMarkersFor).ToUnixMs());
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>
/// The database stopped answering while it committed the event, and could not be asked afterwards whether it did: the
/// event may be stored. A carrier's retry of a webhook is safe (its message id is remembered); a message sent through
/// the API should be looked for before it is sent again.
/// </summary>
public sealed class CommitOutcomeUnknownException(string message, Exception inner) : Exception(message, inner);
