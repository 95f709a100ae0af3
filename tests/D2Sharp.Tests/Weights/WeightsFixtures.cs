using D2Sharp.Graph;
using D2Sharp.Weights;

namespace D2Sharp.Tests.Weights;

/// <summary>The fixture checkpoints the weights tests share, loaded once.</summary>
internal static class WeightsFixtures
{
    private static readonly Lazy<Checkpoint> TinyR50Fpn = new(() => CheckpointLoader.Load(Path("tiny_r50_fpn", "model.pkl")));

    public static string Path(string fixtureCase, string file) => TestPaths.Fixture(fixtureCase, file);

    /// <summary>Every case folder that holds a Detectron2-format model.pkl.</summary>
    public static IEnumerable<string> CasesWithModelPkl() =>
        TestPaths.FixtureCases.Where(c => File.Exists(TestPaths.Fixture(c, "model.pkl")));

    /// <summary>tiny_r50_fpn/model.pkl, the weights every Caffe2 variant of the case encodes.</summary>
    public static Checkpoint Reference => TinyR50Fpn.Value;

    /// <summary>The reference checkpoint's keys and shapes, as a model's parameter list.</summary>
    public static IReadOnlyList<ParameterSpec> ReferenceParameters() =>
        Reference.Tensors.Select(t => new ParameterSpec(t.Key, t.Value.Shape)).ToList();
}
