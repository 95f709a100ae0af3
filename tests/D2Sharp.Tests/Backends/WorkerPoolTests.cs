using D2Sharp.Backends;

namespace D2Sharp.Tests.Backends;

[TestFixture]
public class WorkerPoolTests
{
    private sealed class Recorder(int count) : IParallelBody
    {
        public readonly int[] Hits = new int[count];
        public readonly HashSet<int> Workers = [];

        public void Execute(int index, int worker)
        {
            Interlocked.Increment(ref Hits[index]);
            lock (Workers) Workers.Add(worker);
        }
    }

    [Test]
    public void EveryIndexRunsExactlyOnceOnAKnownWorker()
    {
        using var pool = new WorkerPool(3);
        var body = new Recorder(1000);
        pool.For(1000, body);
        Assert.That(body.Hits, Is.All.EqualTo(1));
        Assert.That(body.Workers, Is.SubsetOf(new[] { 0, 1, 2 }));
    }

    private sealed class Failing : IParallelBody
    {
        public void Execute(int index, int worker)
        {
            if (index == 7) throw new InvalidOperationException("index 7 failed");
        }
    }

    [Test]
    public void AFailureIsRethrownOnTheCallerAndThePoolStaysUsable()
    {
        using var pool = new WorkerPool(2);
        Assert.That(() => pool.For(100, new Failing()), Throws.InvalidOperationException.With.Message.EqualTo("index 7 failed"));
        var body = new Recorder(10);
        pool.For(10, body);
        Assert.That(body.Hits, Is.All.EqualTo(1));
    }

    private sealed class Nothing : IParallelBody
    {
        public void Execute(int index, int worker) { }
    }

    [Test]
    public void AParallelLoopAllocatesNothing()
    {
        using var pool = new WorkerPool(2);
        var body = new Nothing();
        pool.For(64, body);
        // The least over a few short loops, counted on all threads: the test runner's threads may
        // allocate now and then, a loop that allocates does so every time.
        long least = long.MaxValue;
        for (int i = 0; i < 5; i++)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            pool.For(64, body);
            least = Math.Min(least, GC.GetTotalAllocatedBytes(precise: true) - before);
        }
        Assert.That(least, Is.Zero);
    }
}
