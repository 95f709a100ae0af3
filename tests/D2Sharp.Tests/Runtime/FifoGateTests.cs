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
}
