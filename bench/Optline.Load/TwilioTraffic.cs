using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Optline.Load;

/// <summary>Contacts seeded into a database before a run, by consent state, so the mix can address each kind.</summary>
public sealed record ContactPools(string[] LineNumbers, long OptedInBase, int OptedIn, long PendingBase, int Pending, long NewBase)
{
    /// <summary>The line a seeded contact belongs to: conversation i is on line i mod the number of lines.</summary>
    public string LineOf(int i) => LineNumbers[i % LineNumbers.Length];

    public static string Contact(long number) => "+1" + number.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The share of each kind of inbound message in the mix (they add up to 1).</summary>
public sealed record TrafficMix(double FirstContact, double Yes, double Stop, double Duplicate)
{
    /// <summary>Market open: mostly ordinary traffic from contacts who opted in, some new contacts and their YES, a few STOPs, carrier retries.</summary>
    public static readonly TrafficMix Realistic = new(FirstContact: 0.10, Yes: 0.08, Stop: 0.02, Duplicate: 0.05);

    public double Ordinary => 1 - FirstContact - Yes - Stop - Duplicate;

    /// <summary>"first=0.5,yes=0.1,stop=0.02,duplicate=0.05": the shares named are replaced, the others keep the realistic mix's.</summary>
    public static TrafficMix Parse(string text)
    {
        var mix = Realistic;
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var (name, value) = part.Split('=', 2) is [var n, var v] && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var share) && share is >= 0 and <= 1
                ? (n.Trim().ToLowerInvariant(), share)
                : throw new ArgumentException($"--mix: \"{part}\" is not name=share with a share between 0 and 1.");
            mix = name switch
            {
                "first" => mix with { FirstContact = value },
                "yes" => mix with { Yes = value },
                "stop" => mix with { Stop = value },
                "duplicate" => mix with { Duplicate = value },
                _ => throw new ArgumentException($"--mix: unknown share \"{name}\" (first, yes, stop, duplicate)."),
            };
        }

        return mix.Ordinary >= -1e-9 ? mix : throw new ArgumentException($"--mix: the shares add up to more than 1 ({mix}).");
    }

    public override string ToString() =>
        $"{FirstContact:P0} first contacts, {Yes:P0} YES, {Stop:P0} STOP, {Ordinary:P0} ordinary, {Duplicate:P0} duplicates";
}

/// <summary>One inbound message of the mix: who wrote to which line, and what.</summary>
public sealed record MixEvent(string Kind, string To, string From, string Body);

/// <summary>
/// Picks the next inbound message of the mix from the seeded pools: new contacts, YES from contacts whose request is
/// pending, STOP and ordinary messages from contacts who opted in. Duplicates are the caller's (it replays what it sent).
/// Not thread-safe; callers lock.
/// </summary>
public sealed class EventMix(ContactPools pools, TrafficMix mix, int seed = 7)
{
    private static readonly string[] Ordinary =
    [
        "Thanks, see you at 3pm.", "Can you call me back after lunch?", "Got it, I will sign the form tonight.",
        "What time does the market open tomorrow?", "Please send me the quarterly statement.", "Sounds good, go ahead with the transfer.",
        "I'm in a meeting, will reply later", "Is the rollover done yet?", "ok", "Thank you!",
    ];

    private static readonly string[] First =
    [
        "Hi, this is Jordan, we met at the seminar. Can we talk about my 401k?", "Hello, I got your number from my brother.",
        "Hi Alex, quick question about my account", "Good morning, is this the advisor's line?",
    ];

    private readonly Random _random = new(seed);
    private int _nextPending;
    private int _nextStop;
    private long _nextNew;

    public TrafficMix Mix => mix;

    public Random Random => _random;

    /// <summary>STOPs take opted-in contacts from the bottom fifth of the pool and ordinary traffic the rest, so ordinary stays ordinary.</summary>
    private int StopReserve => pools.OptedIn / 5;

    /// <summary>The next event that is not a duplicate; <paramref name="roll"/> in [0, 1 - duplicate share).</summary>
    public MixEvent Next(double roll)
    {
        if (roll < mix.FirstContact)
        {
            var contact = pools.NewBase + _nextNew++;
            return new("first", pools.LineNumbers[_random.Next(pools.LineNumbers.Length)], ContactPools.Contact(contact), First[_random.Next(First.Length)]);
        }

        roll -= mix.FirstContact;
        if (roll < mix.Yes && _nextPending < pools.Pending)
        {
            var i = _nextPending++;
            return new("yes", pools.LineOf(i), ContactPools.Contact(pools.PendingBase + i), _random.Next(3) == 0 ? "Yes" : "YES");
        }

        roll -= mix.Yes;
        if (roll < mix.Stop && _nextStop < StopReserve)
        {
            var i = _nextStop++;
            return new("stop", pools.LineOf(i), ContactPools.Contact(pools.OptedInBase + i), "STOP");
        }

        var o = StopReserve + _random.Next(pools.OptedIn - StopReserve);
        return new("ordinary", pools.LineOf(o), ContactPools.Contact(pools.OptedInBase + o), Ordinary[_random.Next(Ordinary.Length)]);
    }

    /// <summary>A contact who opted in (outside the STOP reserve), with its line: for API sends and consent lookups.</summary>
    public (string Line, string Contact) OptedInConversation()
    {
        var o = StopReserve + _random.Next(pools.OptedIn - StopReserve);
        return (pools.LineOf(o), ContactPools.Contact(pools.OptedInBase + o));
    }
}

/// <summary>
/// Signed Twilio inbound webhooks in a realistic mix, with the fields Twilio really posts. Thread-safe.
/// The signature is computed from Twilio's documentation (HMAC-SHA1 over the URL and the sorted fields), not with the server's code.
/// A duplicate is a byte-for-byte replay of a recent request (a carrier retry).
/// </summary>
public sealed class TwilioTraffic(string publicBaseUrl, string authToken, string accountSid, ContactPools pools, TrafficMix mix, int seed = 7)
{
    public const string Path = "/webhooks/twilio";

    private readonly object _gate = new();
    private readonly string _url = publicBaseUrl.TrimEnd('/') + Path;
    private readonly byte[] _token = Encoding.UTF8.GetBytes(authToken);
    private readonly EventMix _mix = new(pools, mix, seed);
    private readonly LoadRequest?[] _recent = new LoadRequest?[1024];
    private long _recentCount;

    public Dictionary<string, long> Counts { get; } = new(StringComparer.Ordinal);

    public LoadRequest Next()
    {
        lock (_gate)
        {
            var roll = _mix.Random.NextDouble();
            LoadRequest request;
            if (roll < mix.Duplicate && _recentCount > 0)
            {
                request = _recent[_mix.Random.Next((int)Math.Min(_recentCount, _recent.Length))]! with { Kind = "duplicate" };
            }
            else
            {
                var e = _mix.Next(Math.Max(0, roll - mix.Duplicate));
                request = Sign(e.Kind, e.To, e.From, e.Body);
                _recent[_recentCount++ % _recent.Length] = request;
            }

            Counts[request.Kind] = Counts.GetValueOrDefault(request.Kind) + 1;
            return request;
        }
    }

    public string Describe() => string.Join(", ", Counts.OrderByDescending(c => c.Value).Select(c => $"{c.Key} {c.Value}"));

    /// <summary>The form Twilio posts for an inbound SMS, URL-encoded, and its X-Twilio-Signature.</summary>
    private LoadRequest Sign(string kind, string to, string from, string body)
    {
        var sid = TwilioSid.Next();
        var form = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["ToCountry"] = "US", ["ToState"] = "NJ", ["SmsMessageSid"] = sid, ["NumMedia"] = "0", ["ToCity"] = "", ["FromZip"] = "10001",
            ["SmsSid"] = sid, ["FromState"] = "NY", ["SmsStatus"] = "received", ["FromCity"] = "NEW YORK", ["Body"] = body, ["FromCountry"] = "US",
            ["To"] = to, ["ToZip"] = "", ["NumSegments"] = "1", ["MessageSid"] = sid, ["AccountSid"] = accountSid, ["From"] = from,
            ["ApiVersion"] = "2010-04-01",
        };
        var signed = new StringBuilder(_url);
        var encoded = new StringBuilder();
        foreach (var (name, value) in form)
        {
            signed.Append(name).Append(value);
            if (encoded.Length > 0)
            {
                encoded.Append('&');
            }

            encoded.Append(name).Append('=').Append(Uri.EscapeDataString(value));
        }

        var signature = Convert.ToBase64String(HMACSHA1.HashData(_token, Encoding.UTF8.GetBytes(signed.ToString())));
        return new LoadRequest(HttpMethod.Post, Path, Encoding.UTF8.GetBytes(encoded.ToString()), "application/x-www-form-urlencoded", signature, Kind: kind);
    }
}

/// <summary>
/// A message SID as Twilio makes them: "SM" and 32 random hex digits. Random, not counted: a counter would put every
/// new id at the end of the dedup index, where a real carrier's ids land anywhere in it.
/// </summary>
public static class TwilioSid
{
    public static string Next() => "SM" + RandomNumberGenerator.GetHexString(32, lowercase: true);
}
