namespace Optline.Faults;

/// <summary>Looks for what must never be logged: secrets, API keys, message bodies and full phone numbers.</summary>
public static class LogScan
{
    /// <summary>Each leak as "what (where)"; empty when the log is clean.</summary>
    public static IReadOnlyList<string> Leaks(string log, IEnumerable<(string What, string Value)> needles)
    {
        var leaks = new List<string>();
        foreach (var (what, value) in needles.DistinctBy(n => n.Value))
        {
            if (value.Length < 8)
            {
                continue;
            }

            var at = log.IndexOf(value, StringComparison.Ordinal);
            if (at >= 0)
            {
                var from = Math.Max(0, at - 60);
                var line = log[from..Math.Min(log.Length, at + value.Length + 60)].Replace('\n', ' ');
                leaks.Add($"{what} appears in the server's output: …{line}…");
            }
        }

        return leaks;
    }

    /// <summary>A phone number in every form it could be logged in: its 10-digit national number is inside all of them.</summary>
    public static (string What, string Value) Number(string e164) => ($"the phone number {e164}", e164.StartsWith("+1", StringComparison.Ordinal) ? e164[2..] : e164.TrimStart('+'));

    /// <summary>Everything of a rig's run that must stay out of its log.</summary>
    public static IEnumerable<(string What, string Value)> NeedlesOf(Rig rig)
    {
        foreach (var secret in rig.Secrets.All)
        {
            yield return secret;
        }

        foreach (var line in rig.Lines)
        {
            yield return ($"the API key of {line.DisplayName}", line.ApiKey);
            yield return Number(line.Number);
        }

        foreach (var inbound in rig.Ledger.Inbound)
        {
            yield return Number(inbound.Contact);
            if (inbound.Kind == InboundKind.Chatter)
            {
                yield return ("an inbound message body", inbound.Body);
            }
        }

        foreach (var send in rig.Ledger.Sends)
        {
            yield return Number(send.Contact);
            yield return ("a line's message body", send.Body);
        }
    }
}
