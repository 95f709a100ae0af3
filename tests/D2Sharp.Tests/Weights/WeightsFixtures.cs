using D2Sharp.Config;
using D2Sharp.Graph;
using D2Sharp.Modeling;
using D2Sharp.Weights;

namespace D2Sharp.Tests.Weights;

/// <summary>The fixture checkpoints the weights tests share, loaded once.</summary>
internal static class WeightsFixtures
{
    private static readonly Lazy<Checkpoint> TinyR50Fpn = new(() => CheckpointLoader.Load(Path("tiny_r50_fpn", "model.pkl")));

    public static string Path(string fixtureCase, string file) => TestPaths.Fixture(fixtureCase, file);

    /// <summary>Every backbone case that holds a Detectron2-format model.pkl.</summary>
    public static IEnumerable<string> CasesWithModelPkl() => FixtureCase.WithModel;

    /// <summary>tiny_r50_fpn/model.pkl, the weights every Caffe2 variant of the case encodes.</summary>
    public static Checkpoint Reference => TinyR50Fpn.Value;

    /// <summary>The parameters of the model configs/tiny_r50_fpn.yaml builds: what its checkpoint must fill.</summary>
    public static IReadOnlyList<ParameterSpec> ReferenceParameters() =>
        ModelBuilder.Build(ConfigLoader.Load(System.IO.Path.Combine(TestPaths.RepoRoot, "configs", "tiny_r50_fpn.yaml"))).Graph.Parameters.ToList();
}
