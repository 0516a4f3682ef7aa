using System.Data.Common;
using System.Diagnostics;
using System.Globalization;

namespace Optline.Storage.Database;

/// <summary>
/// Whether a PostgreSQL transaction was committed, asked once its connection broke while the commit was on its way.
/// The server may have made the commit durable and died (or lost the connection) before it answered: telling the
/// caller "nothing was stored" would then be false, and a client sending its message again would store it twice.
/// The server keeps each transaction's fate, so a new connection can ask for it by the transaction's id.
/// </summary>
internal static class CommitOutcome
{
    public const string CurrentTransactionSql = "SELECT txid_current()";

    /// <summary>
    /// True when the transaction was committed, false when it was not (it was rolled back, or never reached the commit,
    /// which a restarted server reports as aborted), null when the database did not tell within <paramref name="patience"/>.
    /// Waits while the database is unreachable and while the transaction is still in progress (its server process has
    /// not yet noticed that the connection is gone).
    /// </summary>
    public static async Task<bool?> FindAsync(Dialect dialect, long transactionId, TimeSpan patience, CancellationToken cancellationToken)
    {
        var asking = Stopwatch.StartNew();
        var pause = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            switch (await StatusAsync(dialect, transactionId, cancellationToken))
            {
                case "committed":
                    return true;
                case "aborted":
                    return false;
            }

            if (asking.Elapsed + pause > patience)
            {
                return null;
            }

            await Task.Delay(pause, cancellationToken);
            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromSeconds(1).Ticks));
        }
    }

    /// <summary>The transaction's status ('committed', 'aborted', 'in progress'); null when the database cannot be asked.</summary>
    private static async Task<string?> StatusAsync(Dialect dialect, long transactionId, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = dialect.CreateConnection();
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT txid_status(" + transactionId.ToString(CultureInfo.InvariantCulture) + ")";
            return await command.ExecuteScalarAsync(cancellationToken) as string;
        }
        catch (Exception ex) when (ex is DbException or IOException or TimeoutException or InvalidOperationException)
        {
            return null;
        }
    }
}

/// <summary>
/// The database stopped answering while it committed the event, and could not be asked afterwards whether it did: the
/// event may be stored. A carrier's retry of a webhook is safe (its message id is remembered); a message sent through
/// the API should be looked for before it is sent again.
/// </summary>
public sealed class CommitOutcomeUnknownException(string message, Exception inner) : Exception(message, inner);
