using Optline.Storage.Outbox;

namespace Optline.Server.Outbox;

/// <summary>
/// One lane per sending number and channel: its claimed messages in the order claimed (due time), each sent at its
/// slot (<see cref="SenderPace"/>) while the other lanes go on. The dispatcher asks the lanes which messages to claim,
/// so a number is only given what it may send within the claim lookahead.
/// </summary>
public sealed class SenderLanes(OutboxOptions options, TimeProvider time, SenderLanes.SendStep send)
{
    private readonly OutboxOptions _options = options;
    private readonly TimeProvider _time = time;
    private readonly SendStep _send = send;

    /// <summary>
    /// Sends a group of a lane's messages in order, their consent re-checked together; calls
    /// <see cref="Lane.BeforeCarrierCallAsync"/> right before each carrier call.
    /// </summary>
    public delegate Task SendStep(IReadOnlyList<LaneMessage> group, Lane lane, CancellationToken cancellationToken);

    private static readonly TimeSpan ForgetAfter = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long before its slot a message's consent re-check starts, so the re-check's query overlaps the wait for the
    /// slot instead of delaying the call (at 80 msg/s a slot is 12.5 ms). The call itself still waits for the slot.
    /// </summary>
    public static readonly TimeSpan RecheckLead = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// Messages of one lane due this close after the first are re-checked with it: a fast number (80 msg/s) would
    /// otherwise need a whole re-check round per 12.5 ms slot, one after another.
    /// </summary>
    public static readonly TimeSpan RecheckGroup = TimeSpan.FromMilliseconds(50);

    private const int MaxGroup = 8;

    private readonly Dictionary<long, Lane> _lanes = [];
    private readonly Lock _lock = new();
    private readonly List<Task> _running = [];
    private int _pending;
    private int _queued;
    private TaskCompletionSource? _room;
    private int _roomAt;
    private DateTimeOffset _forgotAt;

    /// <summary>Messages claimed and not yet finished (their send, or the record of it).</summary>
    public int Pending => Volatile.Read(ref _pending);

    /// <summary>Messages claimed and not yet handed to the carrier: what the next claim must leave room for.</summary>
    public int Queued => Volatile.Read(ref _queued);

    /// <summary>Senders whose lane has no room within the lookahead: their messages would only be claimed to wait.</summary>
    public IReadOnlyCollection<long> Full()
    {
        var until = _time.GetUtcNow() + _options.ClaimLookahead;
        lock (_lock)
        {
            return [.. _lanes.Where(l => !l.Value.HasRoom(l.Value.Pace.Next(DateTimeOffset.MinValue), until, l.Value.Queued)).Select(l => l.Key)];
        }
    }

    /// <summary>The candidates each lane can take: due within the lookahead once queued behind what the lane holds. Changes nothing.</summary>
    public IReadOnlyList<ClaimedSend> Choose(IReadOnlyList<ClaimedSend> candidates)
    {
        var until = _time.GetUtcNow() + _options.ClaimLookahead;
        var projected = new Dictionary<long, (DateTimeOffset Last, int Queued)>();
        var chosen = new List<ClaimedSend>(candidates.Count);
        lock (_lock)
        {
            foreach (var candidate in candidates)
            {
                var slot = Slot(candidate);
                var lane = _lanes.GetValueOrDefault(candidate.Sender);
                var at = projected.TryGetValue(candidate.Sender, out var p)
                    ? (p.Last + slot > candidate.DueAt ? p.Last + slot : candidate.DueAt)
                    : lane?.Pace.Next(candidate.DueAt) ?? candidate.DueAt;
                var queued = p.Queued + (projected.ContainsKey(candidate.Sender) ? 0 : lane?.Queued ?? 0);
                if (Lane.HasRoom(at, until, queued, slot, _options.ClaimLookahead))
                {
                    chosen.Add(candidate);
                    projected[candidate.Sender] = (at, queued + 1);
                }
            }
        }

        return chosen;
    }

    public void Enqueue(IReadOnlyList<ClaimedSend> claimed, DateTimeOffset claimedAt, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            foreach (var message in claimed)
            {
                if (!_lanes.TryGetValue(message.Sender, out var lane))
                {
                    _lanes[message.Sender] = lane = new Lane(this, new SenderPace(Slot(message)));
                }

                _pending++;
                _queued++;
                if (lane.Add(message, claimedAt))
                {
                    AddRunning(Task.Run(() => lane.RunAsync(cancellationToken), CancellationToken.None));
                }
            }

            ForgetIdleLanes();
        }
    }

    private void AddRunning(Task task)
    {
        if (_running.Count >= 4096)
        {
            _running.RemoveAll(t => t.IsCompleted);
        }

        _running.Add(task);
    }

    /// <summary>Completes once fewer than <paramref name="limit"/> messages are queued in the lanes, or after <paramref name="timeout"/>.</summary>
    public Task RoomAsync(int limit, TimeSpan timeout, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_queued < limit)
            {
                return Task.CompletedTask;
            }

            _roomAt = limit / 2;
            _room ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _room.Task.WaitAsync(timeout, _time, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>A message's work goes on after its lane moved to the next one (the record of "sent"): counted until it ends.</summary>
    public void Track(Task work)
    {
        lock (_lock)
        {
            _pending++;
            AddRunning(work);
        }

        _ = work.ContinueWith(_ => Finished(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Waits for every lane and record under way (at shutdown: the lanes stop at their next message).</summary>
    public async Task DrainAsync()
    {
        while (true)
        {
            Task[] running;
            lock (_lock)
            {
                _running.RemoveAll(t => t.IsCompleted);
                running = [.. _running];
            }

            if (running.Length == 0)
            {
                return;
            }

            await Task.WhenAll(running).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private TimeSpan Slot(ClaimedSend message) => TimeSpan.FromTicks(_options.SlotMicroseconds(message.Channel, message.From) * 10);

    private void Finished(bool queued = false)
    {
        TaskCompletionSource? room = null;
        lock (_lock)
        {
            _pending--;
            _queued -= queued ? 1 : 0;
            if (_room is not null && _queued <= _roomAt)
            {
                (room, _room) = (_room, null);
            }
        }

        room?.TrySetResult();
    }

    /// <summary>Lanes with nothing queued and nothing recent to be paced against are dropped, so the map follows the active numbers.</summary>
    private void ForgetIdleLanes()
    {
        var now = _time.GetUtcNow();
        if (now - _forgotAt < ForgetAfter)
        {
            return;
        }

        _forgotAt = now;
        foreach (var key in _lanes.Where(l => l.Value.Queued == 0 && !l.Value.Running && l.Value.Pace.IdleSince(now - ForgetAfter)).Select(l => l.Key).ToList())
        {
            _lanes.Remove(key);
        }

        _running.RemoveAll(t => t.IsCompleted);
    }

    /// <summary>A claimed message in its lane: when it was claimed and the time its slot comes.</summary>
    public sealed record LaneMessage(ClaimedSend Message, DateTimeOffset ClaimedAt, DateTimeOffset WakeAt);

    /// <summary>The messages of one sending number, sent one after another at its pace.</summary>
    public sealed class Lane(SenderLanes owner, SenderPace pace)
    {
        private readonly Queue<LaneMessage> _queue = new();

        public SenderPace Pace => pace;

        public int Queued => _queue.Count;

        public bool Running { get; private set; }

        /// <summary>Work of this lane's message that goes on while the lane moves to its next one.</summary>
        public void Track(Task work) => owner.Track(work);

        /// <summary>
        /// Room for a message that would wake at <paramref name="at"/>: within the lookahead, and no more queued than the
        /// lookahead holds (a lane that fell behind wakes in the past and must not take the whole backlog).
        /// </summary>
        public static bool HasRoom(DateTimeOffset at, DateTimeOffset until, int queued, TimeSpan slot, TimeSpan lookahead) =>
            at <= until && queued < Math.Max(2, (int)Math.Ceiling(lookahead / slot) + 1);

        public bool HasRoom(DateTimeOffset at, DateTimeOffset until, int queued) => HasRoom(at, until, queued, pace.Slot, owner._options.ClaimLookahead);

        /// <summary>Waits until the carrier call may go (the message's slot, and a slot after the previous call), then notes it as made.</summary>
        public async Task BeforeCarrierCallAsync(LaneMessage message, CancellationToken cancellationToken)
        {
            var now = owner._time.GetUtcNow();
            var wait = pace.UntilCall(now);
            if (message.WakeAt - now > wait)
            {
                wait = message.WakeAt - now;
            }

            if (wait <= TimeSpan.Zero)
            {
                pace.Called(now);
                return;
            }

            await Task.Delay(wait, owner._time, cancellationToken);
            // A timer fires a little late (a millisecond or so): counting the next slot from when this call was due, not
            // from when the timer fired, keeps that lateness from adding up call after call (3 % at 80 msg/s).
            pace.Called(now + wait);
        }

        /// <summary>Queues a message at its slot; true when the lane was idle and must be started (under the owner's lock).</summary>
        internal bool Add(ClaimedSend message, DateTimeOffset claimedAt)
        {
            _queue.Enqueue(new LaneMessage(message, claimedAt, pace.Schedule(message.DueAt)));
            if (Running)
            {
                return false;
            }

            Running = true;
            return true;
        }

        internal async Task RunAsync(CancellationToken cancellationToken)
        {
            var group = new List<LaneMessage>(MaxGroup);
            while (true)
            {
                group.Clear();
                lock (owner._lock)
                {
                    if (cancellationToken.IsCancellationRequested || !_queue.TryDequeue(out var first))
                    {
                        owner._pending -= _queue.Count;
                        owner._queued -= _queue.Count;
                        _queue.Clear();
                        Running = false;
                        return;
                    }

                    group.Add(first);
                    while (group.Count < MaxGroup && _queue.TryPeek(out var next) && next.WakeAt - first.WakeAt <= RecheckGroup)
                    {
                        group.Add(_queue.Dequeue());
                    }
                }

                try
                {
                    var wait = group[0].WakeAt - RecheckLead - owner._time.GetUtcNow();
                    if (wait > TimeSpan.Zero)
                    {
                        await Task.Delay(wait, owner._time, cancellationToken);
                    }

                    await owner._send(group, this, cancellationToken);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    // Shutting down: the claims time out and the messages are sent later, by this node or another.
                }
                finally
                {
                    foreach (var _ in group)
                    {
                        owner.Finished(queued: true);
                    }
                }
            }
        }
    }
}
