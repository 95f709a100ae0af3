using D2Sharp.Imaging;
using D2Sharp.Runtime;

namespace D2Sharp.Tests.Reliability;

/// <summary>
/// Sessions under several threads: runs from many threads give the single-threaded results bit for
/// bit, and disposal is defined however it races with a run (it waits for the run in progress;
/// every later call throws <see cref="ObjectDisposedException"/>; disposing twice is harmless).
/// </summary>
[TestFixture]
public class SessionConcurrencyTests
{
    private static string TinyConfig => Path.Combine(TestPaths.RepoRoot, "configs", "tiny_r50_fpn.yaml");
    private static readonly string[] SmallInput = ["INPUT.MIN_SIZE_TEST", "0"];

    private static Image TestImage() => ImageLoader.Load(TestPaths.Fixture("tiny_r50_fpn", "image.png"), "BGR");

    [Test]
    public void EightThreadsOnOneSessionGiveTheSingleThreadedResults()
    {
        using var session = InferenceSession.Load(TinyConfig, SmallInput, options: new SessionOptions { Threads = 2 });
        var image = TestImage();
        var expected = session.Run(image).Outputs;

        var results = new InferenceResult[8 * 3];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => results[i] = session.Run(image));

        foreach (var result in results)
            for (int o = 0; o < expected.Count; o++)
                Assert.That(result.Outputs[o].Value.Bytes.SequenceEqual(expected[o].Value.Bytes), $"{expected[o].Key} differs from the single-threaded run");
    }

    [Test]
    public void DisposeWhileRunningWaitsForTheRunThenRefusesEveryCall()
    {
        var image = TestImage();
        for (int attempt = 0; attempt < 5; attempt++)
        {
            var session = InferenceSession.Load(TinyConfig, SmallInput);
            using var started = new ManualResetEventSlim();
            Exception? runError = null;
            InferenceResult? result = null;
            var runner = new Thread(() =>
            {
                started.Set();
                try { result = session.Run(image); }
                catch (Exception e) { runError = e; }
            });
            runner.Start();
            started.Wait();
            session.Dispose();
            runner.Join();

            // Either the run got the session first and finished whole, or the disposal did.
            if (runError is null) Assert.That(result!.Outputs, Is.Not.Empty);
            else Assert.That(runError, Is.InstanceOf<ObjectDisposedException>());
            Assert.Throws<ObjectDisposedException>(() => session.Run(image));
            Assert.Throws<ObjectDisposedException>(() => session.RunNormalized(new Tensor([1, 3, 64, 64])));
            Assert.DoesNotThrow(session.Dispose);
        }
    }

    [Test]
    public void SessionsDisposedOnOtherThreadsLeaveTheOthersWorking()
    {
        var image = TestImage();
        using var survivor = InferenceSession.Load(TinyConfig, SmallInput);
        var expected = survivor.Run(image).Outputs;
        Parallel.For(0, 4, _ =>
        {
            using var doomed = InferenceSession.Load(TinyConfig, SmallInput);
            doomed.Run(image);
        });
        var after = survivor.Run(image).Outputs;
        for (int o = 0; o < expected.Count; o++)
            Assert.That(after[o].Value.Bytes.SequenceEqual(expected[o].Value.Bytes), expected[o].Key);
    }
}
