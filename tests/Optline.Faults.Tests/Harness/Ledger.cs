namespace Optline.Faults;

/// <summary>What a contact's message asks for, as the harness wrote it (the invariants need no classifier of their own).</summary>
public enum InboundKind
{
    Chatter,
    Stop,
    Yes,
    Start,
    Help,
}

/// <summary>One inbound SMS (one MessageSid), however many times the carrier delivered it.</summary>
public sealed class InboundRecord(string sid, string line, string contact, string body, InboundKind kind)
{
    private readonly Lock _lock = new();

    public string Sid { get; } = sid;

    public string Line { get; } = line;

    public string Contact { get; } = contact;

    public string Body { get; } = body;

    public InboundKind Kind { get; } = kind;

    /// <summary>When the first copy left the harness.</summary>
    public TimeSpan? FirstSent { get; private set; }

    /// <summary>When the first 2xx came back: from then on the event is acknowledged.</summary>
    public TimeSpan? FirstAck { get; private set; }

    public List<(TimeSpan Sent, TimeSpan Answered, int Status)> Attempts { get; } = [];

    public bool Acknowledged => FirstAck is not null;

    public void Record(TimeSpan sent, TimeSpan answered, int status)
    {
        lock (_lock)
        {
            Attempts.Add((sent, answered, status));
            if (FirstSent is null || sent < FirstSent)
            {
                FirstSent = sent;
            }

            if (status is >= 200 and < 300 && (FirstAck is null || answered < FirstAck))
            {
                FirstAck = answered;
            }
        }
    }
}

/// <summary>One <c>POST /api/v1/messages</c> by a line. <see cref="Status"/> 0: no answer (the server died or the request timed out).</summary>
/// <param name="Replayed">The answer repeats an earlier attempt's (the request was sent again with its idempotency key).</param>
public sealed record ApiSendRecord(string Line, string Contact, string Body, TimeSpan Sent, TimeSpan Answered, int Status, Guid? Id, string? Outcome, bool Replayed = false)
{
    public bool Acknowledged => Status is >= 200 and < 300;
}

/// <summary>Every request the harness made and every fault it injected, in one place for the invariants.</summary>
public sealed class Ledger
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, InboundRecord> _inbound = new(StringComparer.Ordinal);
    private readonly List<ApiSendRecord> _sends = [];
    private readonly List<TimeSpan> _kills = [];
    private readonly List<TimeSpan> _restarts = [];
    private readonly List<(TimeSpan From, TimeSpan To)> _databaseOutages = [];
    private readonly List<(TimeSpan At, string What, int Status)> _webhookStatuses = [];

    public IReadOnlyList<InboundRecord> Inbound
    {
        get
        {
            lock (_lock)
            {
                return [.. _inbound.Values];
            }
        }
    }

    public IReadOnlyList<ApiSendRecord> Sends
    {
        get
        {
            lock (_lock)
            {
                return [.. _sends];
            }
        }
    }

    public IReadOnlyList<TimeSpan> Kills
    {
        get
        {
            lock (_lock)
            {
                return [.. _kills];
            }
        }
    }

    /// <summary>When the server answered /health again after each kill.</summary>
    public IReadOnlyList<TimeSpan> Restarts
    {
        get
        {
            lock (_lock)
            {
                return [.. _restarts];
            }
        }
    }

    public IReadOnlyList<(TimeSpan From, TimeSpan To)> DatabaseOutages
    {
        get
        {
            lock (_lock)
            {
                return [.. _databaseOutages];
            }
        }
    }

    /// <summary>Every answer a webhook got (0: none), with when it came.</summary>
    public IReadOnlyList<(TimeSpan At, string What, int Status)> WebhookStatuses
    {
        get
        {
            lock (_lock)
            {
                return [.. _webhookStatuses];
            }
        }
    }

    public InboundRecord InboundFor(string sid, string line, string contact, string body, InboundKind kind)
    {
        lock (_lock)
        {
            if (!_inbound.TryGetValue(sid, out var record))
            {
                _inbound[sid] = record = new InboundRecord(sid, line, contact, body, kind);
            }

            return record;
        }
    }

    public void WebhookAnswered(TimeSpan at, string what, int status)
    {
        lock (_lock)
        {
            _webhookStatuses.Add((at, what, status));
        }
    }

    public void Add(ApiSendRecord send)
    {
        lock (_lock)
        {
            _sends.Add(send);
        }
    }

    public void Killed(TimeSpan at)
    {
        lock (_lock)
        {
            _kills.Add(at);
        }
    }

    public void Restarted(TimeSpan at)
    {
        lock (_lock)
        {
            _restarts.Add(at);
        }
    }

    public void DatabaseDown(TimeSpan from, TimeSpan to)
    {
        lock (_lock)
        {
            _databaseOutages.Add((from, to));
        }
    }
}
