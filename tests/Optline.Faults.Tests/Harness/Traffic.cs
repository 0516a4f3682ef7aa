namespace Optline.Faults;

/// <summary>How hostile the carrier's deliveries are.</summary>
public sealed record TrafficOptions
{
    /// <summary>Share of inbound messages the carrier delivers 2–5 times (some at once, some later).</summary>
    public double DuplicateRate { get; init; } = 0.3;

    /// <summary>Share of chatter pairs delivered in the opposite order.</summary>
    public double ReorderRate { get; init; } = 0.3;

    /// <summary>How long one webhook is retried before the phone gives up (the server never came back).</summary>
    public TimeSpan DeliveryDeadline { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Longest pause between two steps of a phone.</summary>
    public TimeSpan ThinkTime { get; init; } = TimeSpan.FromMilliseconds(40);
}

/// <summary>
/// A contact's phone talking to one line: the contact texts (signed Twilio webhooks, delivered until acknowledged,
/// sometimes several times, sometimes out of order) and the line writes back (the API with the line's key).
/// One step at a time, as a person would; many phones run at once.
/// </summary>
public sealed class Phone(Rig rig, RigLine line, string contact, Random random, TrafficOptions options)
{
    private readonly List<Task> _lateCopies = [];
    private int _sequence;

    public string Contact { get; } = contact;

    public RigLine Line { get; } = line;

    /// <summary>False once a webhook was never acknowledged: the rest of the script would run out of order, so it stops.</summary>
    public bool Healthy { get; private set; } = true;

    public static InboundKind KindOf(string body) => body.Trim().ToUpperInvariant() switch
    {
        "STOP" or "UNSUBSCRIBE" or "CANCEL" or "QUIT" => InboundKind.Stop,
        "YES" or "Y" or "SI" => InboundKind.Yes,
        "START" or "UNSTOP" => InboundKind.Start,
        "HELP" or "INFO" => InboundKind.Help,
        _ => InboundKind.Chatter,
    };

    /// <summary>A fresh chatter text no classifier mistakes for a keyword.</summary>
    public string Chatter() => $"hello from {Token()}";

    /// <summary>The contact texts <paramref name="body"/>; returns once it is acknowledged (or abandoned).</summary>
    public async Task TextAsync(string body)
    {
        if (!Healthy)
        {
            return;
        }

        await ThinkAsync();
        var message = NewInbound(body);
        await DeliverWithCopiesAsync(message);
    }

    /// <summary>Two chatter texts the carrier may deliver in the opposite order.</summary>
    public async Task TextPairAsync()
    {
        if (!Healthy)
        {
            return;
        }

        var first = NewInbound(Chatter());
        var second = NewInbound(Chatter());
        var (a, b) = random.NextDouble() < options.ReorderRate ? (second, first) : (first, second);
        await DeliverWithCopiesAsync(a);
        await DeliverWithCopiesAsync(b);
    }

    /// <summary>The line writes a new message to this contact.</summary>
    public async Task<ApiSendRecord?> LineWritesAsync()
    {
        if (!Healthy)
        {
            return null;
        }

        await ThinkAsync();
        // Half the line's messages carry an idempotency key, and are sent again whatever cut them off.
        var token = Token();
        var key = random.NextDouble() < 0.5 ? $"key-{token}" : null;
        return await rig.LineSendAsync(Line, Contact, $"from {Line.DisplayName} #{token}", options.DeliveryDeadline, key);
    }

    /// <summary>Several steps at once: a STOP racing with the line's sends.</summary>
    public Task AtOnceAsync(params Func<Task>[] steps) => Task.WhenAll(steps.Select(s => Task.Run(s)));

    /// <summary>Waits for the late duplicate deliveries this phone scheduled.</summary>
    public Task FinishAsync() => Task.WhenAll(_lateCopies);

    private InboundRecord NewInbound(string body) =>
        rig.Ledger.InboundFor("SM" + Guid.NewGuid().ToString("N"), Line.Number, Contact, body, KindOf(body));

    private async Task DeliverWithCopiesAsync(InboundRecord message)
    {
        var copies = random.NextDouble() < options.DuplicateRate ? random.Next(2, 6) : 1;
        var atOnce = random.Next(1, copies + 1);
        var first = await Task.WhenAll(Enumerable.Range(0, atOnce).Select(_ => rig.DeliverAsync(message, options.DeliveryDeadline)));
        if (!first.Any(acked => acked))
        {
            Healthy = false;
            return;
        }

        for (var i = atOnce; i < copies; i++)
        {
            // The carrier delivering the same message again later (its own retry after a lost answer).
            var delay = TimeSpan.FromMilliseconds(random.Next(0, 400));
            _lateCopies.Add(Task.Run(async () =>
            {
                await Task.Delay(delay);
                await rig.DeliverAsync(message, options.DeliveryDeadline);
            }));
        }
    }

    private Task ThinkAsync() => Task.Delay(random.Next(0, (int)options.ThinkTime.TotalMilliseconds + 1));

    private string Token() => $"{Contact[^4..]}-{Interlocked.Increment(ref _sequence)}-{Guid.NewGuid().ToString("N")[..6]}";
}

/// <summary>What contacts and lines do: the consent flows, with the races that matter (a STOP against sends and releases).</summary>
public static class Scripts
{
    public static readonly IReadOnlyList<(string Name, Func<Phone, Random, Task> Run)> All =
    [
        ("line first", LineFirstAsync),
        ("contact first", ContactFirstAsync),
        ("help and re-opt-in", HelpAndReOptInAsync),
        ("stop while pending", StopWhilePendingAsync),
    ];

    /// <summary>The line writes first (held), the contact says YES (released), then STOP — right away or after chatter.</summary>
    public static async Task LineFirstAsync(Phone phone, Random random)
    {
        await phone.LineWritesAsync();
        await phone.LineWritesAsync();
        await phone.TextAsync(random.Next(2) == 0 ? "YES" : "y");
        for (var i = random.Next(0, 3); i > 0; i--)
        {
            await phone.LineWritesAsync();
        }

        if (random.Next(2) == 0)
        {
            await phone.TextPairAsync();
        }

        await phone.TextAsync("STOP");
        await phone.LineWritesAsync();
        if (random.Next(2) == 0)
        {
            await phone.TextAsync("START");
            await phone.LineWritesAsync();
            await phone.TextAsync("Stop");
        }
    }

    /// <summary>The contact writes first and opts in; the line sends a burst; a STOP races with it.</summary>
    public static async Task ContactFirstAsync(Phone phone, Random random)
    {
        await phone.TextAsync(phone.Chatter());
        await phone.TextAsync("YES");
        await phone.TextPairAsync();
        await phone.LineWritesAsync();
        await phone.AtOnceAsync(() => phone.TextAsync("STOP"), () => phone.LineWritesAsync(), () => phone.LineWritesAsync());
        await phone.LineWritesAsync();
    }

    /// <summary>HELP while pending, opt in, unsubscribe, opt in again with YES, and a last word that may be STOP.</summary>
    public static async Task HelpAndReOptInAsync(Phone phone, Random random)
    {
        await phone.TextAsync(phone.Chatter());
        await phone.TextAsync("HELP");
        await phone.TextAsync("yes");
        await phone.TextPairAsync();
        await phone.LineWritesAsync();
        await phone.TextAsync("UNSUBSCRIBE");
        await phone.LineWritesAsync();
        await phone.TextAsync("YES");
        await phone.LineWritesAsync();
        if (random.Next(2) == 0)
        {
            await phone.TextAsync("STOP");
        }
    }

    /// <summary>STOP while the line's messages are held: they are cancelled; the contact later writes again and opts in.</summary>
    public static async Task StopWhilePendingAsync(Phone phone, Random random)
    {
        await phone.LineWritesAsync();
        await phone.LineWritesAsync();
        await phone.TextAsync("STOP");
        await phone.LineWritesAsync();
        await phone.TextAsync(phone.Chatter());
        await phone.LineWritesAsync();
        await phone.TextAsync("YES");
        await phone.AtOnceAsync(() => phone.TextAsync("STOP"), () => phone.LineWritesAsync());
    }
}

/// <summary>Runs phones against a rig: up to <c>concurrency</c> at once, new ones while <c>keepGoing</c> holds.</summary>
public sealed class Traffic(Rig rig, TrafficOptions options, int seed)
{
    private readonly Random _random = new(seed);
    private int _phones;

    public int Phones => _phones;

    /// <summary>Starts phones until <paramref name="contacts"/> have run or <paramref name="stopSpawning"/> fires; waits for those started.</summary>
    public async Task RunAsync(int contacts, int concurrency, CancellationToken stopSpawning = default)
    {
        var running = new List<Task>();
        for (var i = 0; i < contacts && !stopSpawning.IsCancellationRequested; i++)
        {
            running.RemoveAll(t => t.IsCompleted);
            if (running.Count >= concurrency)
            {
                await Task.WhenAny(running);
                running.RemoveAll(t => t.IsCompleted);
            }

            Random random;
            (string Name, Func<Phone, Random, Task> Run) script;
            RigLine line;
            lock (_random)
            {
                random = new Random(_random.Next());
                script = Scripts.All[_random.Next(Scripts.All.Count)];
                line = rig.Lines[_random.Next(rig.Lines.Count)];
            }

            var phone = new Phone(rig, line, rig.Contacts.Next(), random, options);
            Interlocked.Increment(ref _phones);
            running.Add(Task.Run(async () =>
            {
                await script.Run(phone, random);
                await phone.FinishAsync();
            }));
        }

        await Task.WhenAll(running);
    }

    /// <summary>Runs one named script for each of <paramref name="count"/> new contacts, all at once.</summary>
    public Task RunScriptAsync(Func<Phone, Random, Task> script, int count)
    {
        var phones = Enumerable.Range(0, count).Select(_ =>
        {
            Random random;
            RigLine line;
            lock (_random)
            {
                random = new Random(_random.Next());
                line = rig.Lines[_random.Next(rig.Lines.Count)];
            }

            Interlocked.Increment(ref _phones);
            return new Phone(rig, line, rig.Contacts.Next(), random, options);
        }).ToList();
        return Task.WhenAll(phones.Select(p => Task.Run(async () =>
        {
            await script(p, new Random(p.Contact.GetHashCode(StringComparison.Ordinal)));
            await p.FinishAsync();
        })));
    }
}
