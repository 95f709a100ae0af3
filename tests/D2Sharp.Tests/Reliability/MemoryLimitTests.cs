using D2Sharp.Imaging;
using D2Sharp.Memory;
using D2Sharp.Runtime;

namespace D2Sharp.Tests.Reliability;

/// <summary>
/// Memory asked for beyond what may be had is a typed error before anything is allocated, and a
/// session that refused a large input goes on running smaller ones.
/// </summary>
[TestFixture]
public class MemoryLimitTests
{
    [Test]
    public void AnInputOverTheArenaLimitIsRefusedAndSmallerInputsStillRun()
    {
        const long limit = 8L << 20;
        using var session = InferenceSession.Load(Path.Combine(TestPaths.RepoRoot, "configs", "tiny_r50_fpn.yaml"), ["INPUT.MIN_SIZE_TEST", "0"],
            options: new SessionOptions { MaxArenaBytes = limit });
        var small = ImageLoader.FromPixels(new byte[64 * 96 * 3], 64, 96, "BGR");
        var expected = session.Run(small).Outputs;
        long smallArena = session.ArenaBytes;

        var large = ImageLoader.FromPixels(new byte[1024 * 1024 * 3], 1024, 1024, "BGR");
        var error = Assert.Throws<MemoryLimitException>(() => session.Run(large))!;
        Assert.That(error.Message, Does.StartWith("the plan's arena needs").And.Contain("the session's arena limit of 8 MiB"));
        Assert.That(error.Requested, Is.GreaterThan(limit));
        Assert.That(session.ArenaBytes, Is.EqualTo(smallArena), "the arena keeps its size");

        var after = session.Run(small).Outputs;
        for (int i = 0; i < expected.Count; i++)
            Assert.That(after[i].Value.Bytes.SequenceEqual(expected[i].Value.Bytes), expected[i].Key);
    }

    [Test]
    public void ANativeBufferLargerThanTheMachineIsRefusedBeforeAllocating()
    {
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        var error = Assert.Throws<MemoryLimitException>(() => new NativeBuffer(available + (1L << 30), 64, "a test buffer"))!;
        Assert.That(error.Message, Does.StartWith("a test buffer needs").And.Contain("this process can use"));
        Assert.That(error.Available, Is.EqualTo(available));
    }
}
