using D2Sharp.Runtime;
using D2Sharp.Serving;

namespace D2Sharp.Cluster.Tests;

/// <summary>
/// Silos that serve different models (Orleans' TestingHost): a model goes only to the silos that
/// say they serve it, fails cleanly naming it when they leave, and is served again when one joins.
/// </summary>
[TestFixture]
public class ClusterModelsTests
{
    private const string M1 = "m1", M2 = "m2";
    private Instances _expected = null!;

    [OneTimeSetUp]
    public void RunTheSession() => _expected = ModelCluster.Expected();

    [Test]
    public async Task AModelGoesOnlyToTheSilosThatServeItFailsCleanlyWhenTheyLeaveAndReturnsWithOneThatJoins()
    {
        // Silo A (the first) serves m1; silo B, and any silo started later, m1 and m2 (the fixture under both names).
        await using var cluster = await ModelCluster.StartAsync(2, silo => silo == "Silo_0" ? [M1] : [M1, M2]);
        var router = cluster.Router;
        var a = cluster.Cluster.Silos.Single(silo => silo.Name == "Silo_0");
        var b = cluster.Cluster.Silos.Single(silo => silo != a);
        Assert.That(router.ServedBy(M2), Is.EqualTo(new[] { b.SiloAddress }));
        Assert.That(router.ServedBy(M1), Is.EquivalentTo(new[] { a.SiloAddress, b.SiloAddress }));

        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => router.DetectAsync(ModelCluster.Request(i % 2 == 0 ? M1 : M2), CancellationToken.None)));

        foreach (var answer in answers) ModelCluster.AssertSame(answer, _expected);
        Assert.That(router.Served, Does.Not.ContainKey(ModelCluster.WorkerOf(a, M2)));
        Assert.That(router.Served.GetValueOrDefault(ModelCluster.WorkerOf(b, M2)), Is.EqualTo(6), "every m2 request went to B");
        Assert.That(router.Served.GetValueOrDefault(ModelCluster.WorkerOf(a, M1)), Is.Positive, "m1 requests went to A as well, the less loaded");

        // Each model described by one of its workers (after the counts above: a description is an answer too).
        Assert.That((await router.ListModelsAsync(CancellationToken.None)).Models.Select(m => (m.Name, m.Ready)), Is.EqualTo(new[] { (M1, true), (M2, true) }));

        await cluster.Cluster.StopSiloAsync(b);
        await ModelCluster.Until(() => !router.Silos.Contains(b.SiloAddress), "the router to see B leave");

        var gone = Assert.ThrowsAsync<ModelUnavailableException>(() => router.DetectAsync(ModelCluster.Request(M2), CancellationToken.None));
        Assert.That(gone.Message, Is.EqualTo($"model '{M2}': no active silo of the cluster serves it now (the silos that served it have left)"));
        var unknown = Assert.ThrowsAsync<ModelNotFoundException>(() => router.DetectAsync(ModelCluster.Request("m3"), CancellationToken.None));
        Assert.That(unknown.Message, Is.EqualTo($"no silo of the cluster serves model 'm3'; its silos serve: {M1}"));
        long onA = router.Served[ModelCluster.WorkerOf(a, M1)];
        foreach (var answer in await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => router.DetectAsync(ModelCluster.Request(M1), CancellationToken.None))))
            ModelCluster.AssertSame(answer, _expected);
        Assert.That(router.Served[ModelCluster.WorkerOf(a, M1)], Is.EqualTo(onA + 3), "A serves m1 on");

        var c = await cluster.Cluster.StartAdditionalSiloAsync();
        await ModelCluster.ModelsOf(c).Ready;
        await ModelCluster.Until(() => router.ServedBy(M2).Contains(c.SiloAddress), "the router to see C's models");

        ModelCluster.AssertSame(await router.DetectAsync(ModelCluster.Request(M2), CancellationToken.None), _expected);
        Assert.That(router.Served.GetValueOrDefault(ModelCluster.WorkerOf(c, M2)), Is.EqualTo(1), "m2 is served again, by the silo that joined");
    }
}
