using System.Collections.Concurrent;
using D2Sharp.Runtime;
using D2Sharp.Serving;
using Grpc.Core;

namespace D2Sharp.Cluster.Tests;

/// <summary>
/// Three silos in one process (Orleans' TestingHost): requests spread over the workers and get the
/// session's answer; a worker busy with one front-end's requests is avoided by another; a silo
/// killed under load loses no request silently; a joining silo takes work.
/// </summary>
[TestFixture]
public class ClusterRoutingTests
{
    private Instances _expected = null!;

    [OneTimeSetUp]
    public void RunTheSession() => _expected = ModelCluster.Expected();

    [Test]
    public async Task RequestsSpreadOverEveryWorkerAndGetTheSessionsInstances()
    {
        await using var cluster = await ModelCluster.StartAsync(3);

        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => cluster.Router.DetectAsync(ModelCluster.Request(), CancellationToken.None)));

        Assert.That(_expected.Count, Is.EqualTo(58), "the fixture's detections");
        foreach (var answer in answers) ModelCluster.AssertSame(answer, _expected);
        // Twelve at once over three idle workers: the fewest-in-flight choice gives each a share.
        Assert.That(cluster.Router.Served.Keys, Is.EquivalentTo(cluster.Cluster.Silos.Select(ModelCluster.WorkerOf)));
        Assert.That(cluster.Router.Served.Values.Sum(), Is.EqualTo(12));
    }

    [Test]
    public async Task AWorkerBusyWithOneFrontEndsRequestsIsAvoidedByAnotherOnceItsLoadIsReported()
    {
        await using var cluster = await ModelCluster.StartAsync(3);
        // Two front-ends, each with its own requests in flight; long attempts, since A's wait on purpose.
        await using var a = await cluster.AnotherRouterAsync(TimeSpan.FromMinutes(2));
        await using var b = await cluster.AnotherRouterAsync(TimeSpan.FromMinutes(2));
        var busy = cluster.Cluster.Silos[0];
        var busyWorker = ModelCluster.WorkerOf(busy);
        var idleWorkers = cluster.Cluster.Silos.Skip(1).Select(ModelCluster.WorkerOf).ToList();
        var host = ModelCluster.ModelsOf(busy).Host(ModelCluster.Model);
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // The busy silo's batch loop waits before its next batch until the test opens it: its requests stay queued.
        host.BeforeBatch = stopping => open.Task.WaitAsync(stopping);
        try
        {
            // A: nine at once over three idle workers, three each; those on the busy worker wait in its queue.
            var fromA = Task.WhenAll(Enumerable.Range(0, 9).Select(_ => a.DetectAsync(ModelCluster.Request(), CancellationToken.None)));
            await ModelCluster.Until(() => idleWorkers.All(key => a.InFlight(key) == 0) && a.InFlight(busyWorker) > 0
                && host.Measure().Queued == a.InFlight(busyWorker), "A's requests answered by the idle workers and queued on the busy one");
            int queued = host.Measure().Queued;

            // B has sent nothing, so its own count says all three are idle; the silos' reports say otherwise.
            await b.RefreshAsync();
            Assert.That(b.EstimatedLoad(busyWorker), Is.EqualTo(queued), "B sees A's requests queued on the busy worker");
            Assert.That(idleWorkers.Select(b.EstimatedLoad), Is.All.Zero);
            for (int i = 0; i < 6; i++) ModelCluster.AssertSame(await b.DetectAsync(ModelCluster.Request(), CancellationToken.None), _expected);

            // One at a time, B's requests would have taken turns over all three workers had it counted only its own.
            Assert.That(b.Served.Keys, Is.SubsetOf(idleWorkers), "B avoided the busy worker");
            Assert.That(b.Served.Values.Sum(), Is.EqualTo(6));
            Assert.That(host.Measure().Queued, Is.EqualTo(queued), "the busy worker still holds A's requests");

            open.SetResult();
            foreach (var answer in await fromA.WaitAsync(TimeSpan.FromMinutes(2))) ModelCluster.AssertSame(answer, _expected);
            Assert.That(a.Served.GetValueOrDefault(busyWorker), Is.EqualTo(queued), "the busy worker answered A's requests once opened");
        }
        finally
        {
            open.TrySetResult();
        }
    }

    [Test]
    public async Task ASiloKilledUnderLoadLeavesEveryRequestAnsweredOrFailedAndTheOthersServing()
    {
        await using var cluster = await ModelCluster.StartAsync(3);
        var victim = cluster.Cluster.Silos[^1];
        var survivors = cluster.Cluster.Silos.Take(2).Select(ModelCluster.WorkerOf).ToList();
        var outcomes = new ConcurrentQueue<Exception?>();

        // 40 requests from 4 clients, 10 each, one after another.
        async Task Client()
        {
            for (int i = 0; i < 10; i++)
            {
                try
                {
                    ModelCluster.AssertSame(await cluster.Router.DetectAsync(ModelCluster.Request(), CancellationToken.None), _expected);
                    outcomes.Enqueue(null);
                }
                catch (Exception e) when (e is ModelUnavailableException or RpcException)
                {
                    outcomes.Enqueue(e);
                }
            }
        }
        var load = Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(Client)));
        // Mid-request: the victim holds a request when it dies.
        await ModelCluster.Until(() => outcomes.Count >= 4 && cluster.Router.InFlight(ModelCluster.WorkerOf(victim)) > 0, "a request in flight on the victim");
        await cluster.Cluster.KillSiloAsync(victim);

        await load.WaitAsync(TimeSpan.FromMinutes(3));
        Assert.That(outcomes, Has.Count.EqualTo(40));
        // A failure is the router's UNAVAILABLE naming both workers tried. A request in flight on the
        // victim is retried once on a survivor, which can still fail here: this router is an Orleans
        // client, and a retry sent through the dead silo as its gateway is lost with the connection
        // (a serve process routes from inside its silo, without a gateway). So at most the four
        // requests in flight when it died may fail.
        var failures = outcomes.Where(e => e != null).ToList();
        Assert.That(failures, Has.All.InstanceOf<ModelUnavailableException>().And.All.Message.StartsWith($"model '{ModelCluster.Model}': worker "));
        Assert.That(failures, Has.Count.LessThanOrEqualTo(4), string.Join("\n", failures.Select(e => e!.Message)));

        var servedBefore = survivors.Sum(key => cluster.Router.Served.GetValueOrDefault(key));
        var after = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => cluster.Router.DetectAsync(ModelCluster.Request(), CancellationToken.None)))
            .WaitAsync(TimeSpan.FromMinutes(2));
        foreach (var answer in after) ModelCluster.AssertSame(answer, _expected);
        Assert.That(survivors.Sum(key => cluster.Router.Served.GetValueOrDefault(key)), Is.EqualTo(servedBefore + 6), "the surviving silos answered");
    }

    [Test]
    public async Task ASiloThatJoinsTakesWork()
    {
        await using var cluster = await ModelCluster.StartAsync(2);

        var joined = await cluster.Cluster.StartAdditionalSiloAsync();
        await ModelCluster.ModelsOf(joined).Ready;
        await ModelCluster.Until(() => cluster.Router.ServedBy(ModelCluster.Model).Contains(joined.SiloAddress), "the router to see the new silo's model");
        var answers = await Task.WhenAll(Enumerable.Range(0, 9).Select(_ => cluster.Router.DetectAsync(ModelCluster.Request(), CancellationToken.None)));

        foreach (var answer in answers) ModelCluster.AssertSame(answer, _expected);
        Assert.That(cluster.Router.Served.GetValueOrDefault(ModelCluster.WorkerOf(joined)), Is.Positive, "nine at once over three idle workers");
    }

    [Test]
    public async Task WithNoWorkerLeftARequestFailsWithAClearError()
    {
        await using var cluster = await ModelCluster.StartAsync(1);
        await cluster.Cluster.KillSiloAsync(cluster.Cluster.Silos[0]);

        var error = Assert.ThrowsAsync<ModelUnavailableException>(() =>
            cluster.Router.DetectAsync(ModelCluster.Request(), CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(1)));
        Assert.That(error.Message, Does.StartWith($"model '{ModelCluster.Model}': "));
    }
}
