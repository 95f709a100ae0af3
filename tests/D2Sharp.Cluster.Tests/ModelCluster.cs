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
/// An Orleans test cluster whose every silo serves the small Faster R-CNN fixture through worker
/// grains, and a <see cref="ClusterModelRouter"/> on its client, as a front-end routes.
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

    public static async Task<ModelCluster> StartAsync(short silos)
    {
        var builder = new InProcessTestClusterBuilder(silos);
        var models = new ServingOptions
        {
            Models = [new ModelSource(Model, TestPaths.Fixture(Fixture, "config_resolved.yaml"), TestPaths.Fixture(Fixture, "model.pkl"))],
            MaxBatch = 4,
        };
        builder.ConfigureSiloHost((_, host) => ServingHost.AddLocalModels(host.Services, models));
        builder.ConfigureSilo((_, silo) => ClusterHosting.AddDetectorWorkers(silo));
        // Orleans' own bound on a call, above the router's per-attempt one.
        builder.ConfigureClient(client => client.Configure<ClientMessagingOptions>(messaging => messaging.ResponseTimeout = TimeSpan.FromSeconds(60)));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        foreach (var silo in cluster.Silos) await ModelsOf(silo).Ready;
        var router = new ClusterModelRouter(cluster.Client, new ClusterRouterOptions { Models = [Model], AttemptTimeout = TimeSpan.FromSeconds(20) });
        await router.RefreshAsync();
        return new ModelCluster(cluster, router);
    }

    /// <summary>The models a silo holds (each silo of the test cluster has its own host and container).</summary>
    public static LocalModelRouter ModelsOf(InProcessSiloHandle silo) => silo.SiloHost.Services.GetRequiredService<LocalModelRouter>();

    public static string WorkerOf(InProcessSiloHandle silo) => WorkerKey.For(Model, silo.SiloAddress);

    public static DetectRequest Request() => new() { Model = Model, Image = ByteString.CopyFrom(File.ReadAllBytes(TestPaths.Fixture(Fixture, "image.png"))) };

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
