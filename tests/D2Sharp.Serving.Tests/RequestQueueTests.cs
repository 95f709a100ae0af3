using D2Sharp.Imaging;
using D2Sharp.Serving.Batching;

namespace D2Sharp.Serving.Tests;

/// <summary>How batches are cut from a model's queue, without a model: the "padded size" here is the image's own size.</summary>
[TestFixture]
public class RequestQueueTests
{
    private static PendingRequest Request(int height, int width) =>
        new(ImageLoader.FromPixels(new byte[height * width * 3], height, width, "BGR"));

    private static (int, int) SizeOf(PendingRequest request) => (request.Image.Height, request.Image.Width);

    private static Task<List<PendingRequest>> Next(RequestQueue queue, int maxBatch, TimeSpan maxDelay) =>
        queue.NextBatchAsync(SizeOf, maxBatch, maxDelay, CancellationToken.None);

    [Test]
    public async Task ABatchTakesTheOldestRequestAndThoseOfItsSizeAndHoldsTheRestInOrder()
    {
        var queue = new RequestQueue(capacity: 10);
        var (a1, b1, a2, a3, b2) = (Request(2, 3), Request(3, 2), Request(2, 3), Request(2, 3), Request(3, 2));
        foreach (var request in new[] { a1, b1, a2, a3, b2 }) queue.Enqueue(request, "m");

        Assert.That(await Next(queue, 2, TimeSpan.Zero), Is.EqualTo(new[] { a1, a2 }));
        Assert.That(queue.Depth, Is.EqualTo(3));
        Assert.That(await Next(queue, 2, TimeSpan.Zero), Is.EqualTo(new[] { b1, b2 }), "the held requests come first");
        Assert.That(await Next(queue, 2, TimeSpan.Zero), Is.EqualTo(new[] { a3 }));
        Assert.That(queue.Depth, Is.Zero);
    }

    [Test]
    public async Task AFullQueueRefusesAndADroppedRequestFreesItsPlaceAndIsNeverTaken()
    {
        var queue = new RequestQueue(capacity: 2);
        var (first, second) = (Request(2, 2), Request(2, 2));
        queue.Enqueue(first, "m");
        queue.Enqueue(second, "m");

        var full = Assert.Throws<QueueFullException>(() => queue.Enqueue(Request(2, 2), "m"));
        queue.Drop(first);
        var third = Request(2, 2);
        queue.Enqueue(third, "m");

        Assert.That(full!.Message, Is.EqualTo("model 'm' has 2 requests waiting, as many as its queue holds (--queue-capacity); retry later"));
        Assert.That(await Next(queue, 4, TimeSpan.Zero), Is.EqualTo(new[] { second, third }));
        Assert.That(first.TryTake(), Is.False, "a dropped request stays dropped");
    }

    [Test]
    public async Task ABatchWaitingForMoreRunsAsSoonAsItIsFull()
    {
        var queue = new RequestQueue(capacity: 10);
        var (first, second) = (Request(2, 2), Request(2, 2));
        queue.Enqueue(first, "m");

        // It would wait an hour for a second request; one comes, and the batch is full.
        var batch = Next(queue, 2, TimeSpan.FromHours(1));
        queue.Enqueue(second, "m");

        Assert.That(await batch.WaitAsync(TimeSpan.FromSeconds(10)), Is.EqualTo(new[] { first, second }));
    }

    [Test]
    public async Task ABatchDoesNotWaitPastItsDelay()
    {
        var queue = new RequestQueue(capacity: 10);
        var only = Request(2, 2);
        queue.Enqueue(only, "m");

        Assert.That(await Next(queue, 4, TimeSpan.Zero).WaitAsync(TimeSpan.FromSeconds(10)), Is.EqualTo(new[] { only }));
    }

    [Test]
    public void ClosingHandsBackTheQueuedRequestsAndRefusesNewOnes()
    {
        var queue = new RequestQueue(capacity: 10);
        var (kept, dropped) = (Request(2, 2), Request(2, 3));
        queue.Enqueue(kept, "m");
        queue.Enqueue(dropped, "m");
        queue.Drop(dropped);

        Assert.That(queue.Close(), Is.EqualTo(new[] { kept }));
        Assert.That(queue.Depth, Is.Zero);
        Assert.Throws<ModelUnavailableException>(() => queue.Enqueue(Request(2, 2), "m"));
    }
}
