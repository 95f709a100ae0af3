using D2Sharp.Imaging;
using D2Sharp.Runtime;

namespace D2Sharp.Tests.Runtime;

/// <summary>Cancelling a run (between the plan's ops) ends it with OperationCanceledException and leaves the session usable.</summary>
[TestFixture]
public class SessionCancellationTests
{
    private static string TinyConfig => Path.Combine(TestPaths.RepoRoot, "configs", "tiny_r50_fpn.yaml");

    private static Image TestImage() => ImageLoader.Load(TestPaths.Fixture("tiny_r50_fpn", "image.png"), "BGR");

    [Test]
    public void ACancelledRunThrowsAndTheNextRunGivesTheUsualResult()
    {
        using var session = InferenceSession.Load(TinyConfig, ["INPUT.MIN_SIZE_TEST", "0"]);
        var image = TestImage();
        var expected = session.Run(image).Outputs;

        Assert.Throws<OperationCanceledException>(() => session.Run([image], new CancellationToken(canceled: true)));
        Assert.ThrowsAsync<TaskCanceledException>(() => session.RunAsync([image], new CancellationToken(canceled: true)));
        Assert.Throws<OperationCanceledException>(() => session.RunNormalized(new Tensor([1, 3, 64, 64]), new CancellationToken(canceled: true)));

        var after = session.Run(image).Outputs;
        for (int i = 0; i < expected.Count; i++)
            Assert.That(after[i].Value.Bytes.SequenceEqual(expected[i].Value.Bytes), expected[i].Key);
    }

    [Test]
    public async Task CancellingDuringARunStopsItOrLetsItFinishAndTheSessionStaysUsable()
    {
        using var session = InferenceSession.Load(TinyConfig, ["INPUT.MIN_SIZE_TEST", "800"], options: new SessionOptions { Threads = 1 });
        var image = TestImage();
        using var cancellation = new CancellationTokenSource();
        var run = session.RunAsync([image], cancellation.Token);
        cancellation.CancelAfter(TimeSpan.FromMilliseconds(20));
        try
        {
            var result = await run;
            Assert.That(result.Outputs, Is.Not.Empty, "the run finished before the cancellation");
        }
        catch (OperationCanceledException)
        {
            // Stopped between two ops, as asked.
        }
        Assert.That((await session.RunAsync([image])).Outputs, Is.Not.Empty);
    }
}
