using D2Sharp.Imaging;
using D2Sharp.Runtime;
using D2Sharp.Serving;
using D2Sharp.Serving.V1;
using D2Sharp.Tests;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.TestingHost;

namespace D2Sharp.Cluster.Tests;

/// <summary>
/// An Orleans test cluster whose silos serve the small Faster R-CNN fixture (under one or more model
/// names) through worker grains, and a <see cref="ClusterModelRouter"/> on its client, as a front-end routes.
/// </summary>
internal sealed class ModelCluster : IAsyncDisposable
{
    public const string Model = "frcnn";
    private const string Fixture = "det_faster_rcnn_r50_fpn";

    private ModelCluster(InProcessTestCluster cluster, ClusterModelRouter router)
    {
        Cluster = cluster;
        Router = router;
    }

    public InProcessTestCluster Cluster { get; }
    public ClusterModelRouter Router { get; }

    /// <summary>
    /// Starts <paramref name="silos"/> silos, each serving the models <paramref name="modelsOf"/> names
    /// for its silo name (<c>Silo_0</c>, <c>Silo_1</c>, …; silos started later get theirs too),
    /// by default <see cref="Model"/> alone; the fixture under each name.
    /// </summary>
    public static async Task<ModelCluster> StartAsync(short silos, Func<string, string[]>? modelsOf = null)
    {
        var builder = new InProcessTestClusterBuilder(silos);
        builder.ConfigureSiloHost((silo, host) => ServingHost.AddLocalModels(host.Services, new ServingOptions
        {
            Models = [.. (modelsOf?.Invoke(silo.SiloName) ?? [Model]).Select(name =>
                new ModelSource(name, TestPaths.Fixture(Fixture, "config_resolved.yaml"), TestPaths.Fixture(Fixture, "model.pkl")))],
            MaxBatch = 4,
        }));
        builder.ConfigureSilo((_, silo) => ClusterHosting.AddDetectorWorkers(silo));
        // Orleans' own bound on a call, above the routers' per-attempt ones.
        builder.ConfigureClient(client => client.Configure<ClientMessagingOptions>(messaging => messaging.ResponseTimeout = TimeSpan.FromMinutes(3)));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        foreach (var silo in cluster.Silos) await ModelsOf(silo).Ready;
        var router = await RouterAsync(cluster);
        return new ModelCluster(cluster, router);
    }

    /// <summary>Another front-end's router on the cluster's client, which has read the cluster once.</summary>
    public Task<ClusterModelRouter> AnotherRouterAsync(TimeSpan? attemptTimeout = null) => RouterAsync(Cluster, attemptTimeout);

    private static async Task<ClusterModelRouter> RouterAsync(InProcessTestCluster cluster, TimeSpan? attemptTimeout = null)
    {
        var router = new ClusterModelRouter(cluster.Client, new ClusterRouterOptions { AttemptTimeout = attemptTimeout ?? TimeSpan.FromSeconds(20) });
        await router.RefreshAsync();
        return router;
    }

    /// <summary>The models a silo holds (each silo of the test cluster has its own host and container).</summary>
    public static LocalModelRouter ModelsOf(InProcessSiloHandle silo) => silo.SiloHost.Services.GetRequiredService<LocalModelRouter>();

    public static string WorkerOf(InProcessSiloHandle silo) => WorkerOf(silo, Model);

    public static string WorkerOf(InProcessSiloHandle silo, string model) => WorkerKey.For(model, silo.SiloAddress);

    public static DetectRequest Request(string model = Model) => new() { Model = model, Image = ByteString.CopyFrom(File.ReadAllBytes(TestPaths.Fixture(Fixture, "image.png"))) };

    /// <summary>The fixture image's instances from a session of its own: what every worker's answer must equal.</summary>
    public static Instances Expected()
    {
        using var session = InferenceSession.Load(TestPaths.Fixture(Fixture, "config_resolved.yaml"), weightsPath: TestPaths.Fixture(Fixture, "model.pkl"),
            options: ModelSource.DefaultSession);
        return session.Run(ImageLoader.Load(TestPaths.Fixture(Fixture, "image.png"), session.Model.InputFormat)).Instances![0];
    }

    /// <summary>Asserts that <paramref name="response"/> carries exactly <paramref name="expected"/>'s boxes, scores and classes.</summary>
    public static void AssertSame(DetectResponse response, Instances expected)
    {
        Assert.That(response.Instances, Has.Count.EqualTo(expected.Count));
        for (int k = 0; k < expected.Count; k++)
        {
            var got = response.Instances[k];
            Assert.That(new[] { got.Box.X1, got.Box.Y1, got.Box.X2, got.Box.Y2 }, Is.EqualTo(expected.Boxes.AsSpan(4 * k, 4).ToArray()), $"box {k}");
            Assert.That((got.Score, got.ClassId), Is.EqualTo((expected.Scores[k], expected.Classes[k])), $"instance {k}");
        }
    }

    /// <summary>Waits, a bounded while, until <paramref name="condition"/> holds.</summary>
    public static async Task Until(Func<bool> condition, string what, int seconds = 60)
    {
        for (int i = 0; i < seconds * 20 && !condition(); i++) await Task.Delay(50);
        Assert.That(condition(), $"waited {seconds} s for {what}");
    }

    public async ValueTask DisposeAsync()
    {
        await Router.DisposeAsync();
        await Cluster.DisposeAsync();
    }
}
