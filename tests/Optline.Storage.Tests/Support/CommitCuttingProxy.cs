using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Optline.Storage.Tests.Support;

/// <summary>Where <see cref="CommitCuttingProxy"/> cuts the next connection that sends a COMMIT.</summary>
internal enum CommitCut
{
    /// <summary>The COMMIT never reaches PostgreSQL: the connection is closed instead, so the transaction is rolled back.</summary>
    BeforeTheServer,

    /// <summary>PostgreSQL commits and answers, but the answer never reaches Optline: the connection is closed instead.</summary>
    BeforeTheAnswer,

    /// <summary>
    /// The COMMIT waits at the proxy, neither sent nor refused, until the test releases it (<see cref="CommitCuttingProxy.Release"/>);
    /// then the connection is closed and the COMMIT never reaches PostgreSQL. Meanwhile the test may crash the server.
    /// </summary>
    HeldUntilReleased,
}

/// <summary>
/// A TCP proxy on loopback in front of PostgreSQL that passes everything through, except that, once armed, it cuts the
/// first connection on which Optline sends a COMMIT, on one side of the server or the other. What a connection lost in
/// the middle of a commit looks like, made deterministic: the proxy waits for the server's whole answer (its
/// ReadyForQuery, idle) before it cuts, rather than for a moment.
/// </summary>
internal sealed class CommitCuttingProxy : IAsyncDisposable
{
    /// <summary>The statement COMMIT as the protocol carries it, ended by a NUL (unlike "READ COMMITTED").</summary>
    private static readonly byte[] Commit = Encoding.ASCII.GetBytes("COMMIT\0");

    /// <summary>ReadyForQuery with the transaction status "idle": the server's answer once a transaction has ended.</summary>
    private static readonly byte[] IdleAgain = [(byte)'Z', 0, 0, 0, 5, (byte)'I'];

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _server;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _connections = [];
    private readonly Task _accepting;
    private int _armed; // 0: not armed; otherwise the cut + 1
    private readonly TaskCompletionSource _cut = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public CommitCuttingProxy(IPEndPoint server)
    {
        _server = server;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Completes once the armed cut has happened.</summary>
    public Task Cut => _cut.Task;

    /// <summary>Completes once a COMMIT is held (<see cref="CommitCut.HeldUntilReleased"/>).</summary>
    public Task Held => _held.Task;

    /// <summary>Cuts the connection whose COMMIT is held.</summary>
    public void Release() => _release.TrySetResult();

    public void Arm(CommitCut cut) => Interlocked.Exchange(ref _armed, (int)cut + 1);

    public async ValueTask DisposeAsync()
    {
        Release();
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        Task[] connections;
        lock (_connections)
        {
            connections = [.. _connections];
        }

        await Task.WhenAll(connections);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            lock (_connections)
            {
                _connections.Add(RelayAsync(client));
            }
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using var server = new TcpClient();
        using (client)
        {
            try
            {
                await server.ConnectAsync(_server, _stop.Token);
                var connection = new Relay(this, client, server);
                await Task.WhenAll(connection.ToServerAsync(_stop.Token), connection.ToClientAsync(_stop.Token));
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
            {
            }
        }
    }

    /// <summary>Takes the armed cut, once: the first connection that sends a COMMIT after <see cref="Arm"/> gets it.</summary>
    private CommitCut? TakeArmed() => Interlocked.Exchange(ref _armed, 0) is var armed and > 0 ? (CommitCut)(armed - 1) : null;

    private static bool Contains(ReadOnlySpan<byte> bytes, ReadOnlySpan<byte> part) => bytes.IndexOf(part) >= 0;

    /// <summary>One connection's two directions.</summary>
    private sealed class Relay(CommitCuttingProxy proxy, TcpClient client, TcpClient server)
    {
        private readonly List<byte> _withheld = [];
        private volatile bool _withholding;
        private volatile bool _holding;

        public async Task ToServerAsync(CancellationToken stop)
        {
            var buffer = new byte[64 * 1024];
            var stream = client.GetStream();
            while (true)
            {
                var read = await stream.ReadAsync(buffer, stop);
                if (read == 0)
                {
                    server.Client.Shutdown(SocketShutdown.Send);
                    return;
                }

                if (Contains(buffer.AsSpan(0, read), Commit) && proxy.TakeArmed() is { } cut)
                {
                    if (cut == CommitCut.HeldUntilReleased)
                    {
                        _holding = true;
                        proxy._held.TrySetResult();
                        await proxy._release.Task;
                    }

                    if (cut is CommitCut.BeforeTheServer or CommitCut.HeldUntilReleased)
                    {
                        CloseBoth();
                        proxy._cut.TrySetResult();
                        return;
                    }

                    _withholding = true;
                }

                await server.GetStream().WriteAsync(buffer.AsMemory(0, read), stop);
            }
        }

        public async Task ToClientAsync(CancellationToken stop)
        {
            var buffer = new byte[64 * 1024];
            var stream = server.GetStream();
            while (true)
            {
                var read = await stream.ReadAsync(buffer, stop);
                if (read == 0)
                {
                    // A held COMMIT's connection stays open on Optline's side, whatever the server does, until released.
                    if (!_holding)
                    {
                        client.Client.Shutdown(SocketShutdown.Send);
                    }

                    return;
                }

                if (_withholding)
                {
                    _withheld.AddRange(buffer.AsSpan(0, read));
                    if (_withheld.Count >= IdleAgain.Length && _withheld[^IdleAgain.Length..].SequenceEqual(IdleAgain))
                    {
                        CloseBoth();
                        proxy._cut.TrySetResult();
                        return;
                    }

                    continue;
                }

                await client.GetStream().WriteAsync(buffer.AsMemory(0, read), stop);
            }
        }

        private void CloseBoth()
        {
            client.Client.Close();
            server.Client.Close();
        }
    }
}
