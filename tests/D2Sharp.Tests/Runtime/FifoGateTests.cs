using D2Sharp.Runtime;

namespace D2Sharp.Tests.Runtime;

/// <summary>The session's gate lets callers in one at a time, in the order they arrived.</summary>
[TestFixture]
public class FifoGateTests
{
    [Test]
    public void WaitersEnterInArrivalOrderAndOneAtATime()
    {
        var gate = new FifoGate();
        var order = new List<int>();
        int inside = 0, most = 0;
        var first = gate.Enter();
        var threads = new List<Thread>();
        for (int i = 0; i < 6; i++)
        {
            int id = i;
            var thread = new Thread(() =>
            {
                using (gate.Enter())
                {
                    most = Math.Max(most, Interlocked.Increment(ref inside));
                    lock (order) order.Add(id);
                    Thread.Sleep(2);
                    Interlocked.Decrement(ref inside);
                }
            });
            thread.Start();
            threads.Add(thread);
            // Each thread queues before the next starts: wait until it is blocked at the gate.
            SpinWait.SpinUntil(() => thread.ThreadState.HasFlag(ThreadState.WaitSleepJoin), TimeSpan.FromSeconds(10));
        }
        first.Dispose();
        foreach (var thread in threads) Assert.That(thread.Join(TimeSpan.FromSeconds(30)), "no caller is left waiting");
        Assert.That(order, Is.EqualTo(Enumerable.Range(0, 6)));
        Assert.That(most, Is.EqualTo(1));
    }

    [Test]
    public async Task AwaitingCallersHoldNoThreadAndShareTheQueueWithBlockingOnes()
    {
        var gate = new FifoGate();
        var order = new List<string>();
        var first = gate.Enter();
        // 200 awaiting callers would need 200 blocked threads if they waited synchronously.
        var awaiting = Enumerable.Range(0, 200).Select(async i =>
        {
            using (await gate.EnterAsync()) lock (order) order.Add($"async {i}");
        }).ToList();
        Assert.That(awaiting.All(t => !t.IsCompleted), "nobody passes a held gate");
        var blocking = new Thread(() =>
        {
            using (gate.Enter()) lock (order) order.Add("blocking");
        });
        blocking.Start();
        SpinWait.SpinUntil(() => blocking.ThreadState.HasFlag(ThreadState.WaitSleepJoin), TimeSpan.FromSeconds(10));
        var last = gate.EnterAsync();

        first.Dispose();
        await Task.WhenAll(awaiting).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.That(blocking.Join(TimeSpan.FromSeconds(30)), "the blocking caller gets its turn after the awaiting ones ahead of it");
        (await last.WaitAsync(TimeSpan.FromSeconds(30))).Dispose();
        Assert.That(order, Is.EqualTo(Enumerable.Range(0, 200).Select(i => $"async {i}").Append("blocking")));
    }

    [Test]
    public async Task ACallerCancelledWhileWaitingGivesUpItsPlace()
    {
        var gate = new FifoGate();
        var first = gate.Enter();
        using var cancel = new CancellationTokenSource();
        var cancelled = gate.EnterAsync(cancel.Token);
        var next = gate.EnterAsync();
        cancel.Cancel();
        Assert.That(async () => await cancelled, Throws.InstanceOf<OperationCanceledException>());
        Assert.That(next.IsCompleted, Is.False, "the gate is still held");

        first.Dispose();
        var turn = await next.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.That(gate.EnterAsync().IsCompleted, Is.False, "the turn granted past the cancelled caller holds the gate");
        turn.Dispose();
    }

    [Test]
    public void AnAlreadyCancelledCallerDoesNotQueue()
    {
        var gate = new FifoGate();
        Assert.That(() => gate.EnterAsync(new CancellationToken(canceled: true)), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(gate.EnterAsync().IsCompletedSuccessfully, "the idle gate admits the next caller at once");
    }
}
