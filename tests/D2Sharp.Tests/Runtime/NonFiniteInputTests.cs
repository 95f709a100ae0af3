using D2Sharp.Runtime;

namespace D2Sharp.Tests.Runtime;

/// <summary>NaN and ±infinity in float inputs are refused by default, naming the input and the first bad index.</summary>
[TestFixture]
public class NonFiniteInputTests
{
    private static string TinyConfig => Path.Combine(TestPaths.RepoRoot, "configs", "tiny_r50_fpn.yaml");

    [TestCase(float.NaN, "NaN")]
    [TestCase(float.PositiveInfinity, "+inf")]
    [TestCase(float.NegativeInfinity, "-inf")]
    public void NonFiniteValueIsRefusedNamingTheInputAndIndex(float bad, string word)
    {
        using var session = InferenceSession.Load(TinyConfig);
        var input = new Tensor([1, 3, 32, 32]);
        input.Data[(2 * 32 + 5) * 32 + 7] = bad;
        input.Data[^1] = float.NaN; // a later one is not the one reported

        var e = Assert.Throws<NonFiniteInputException>(() => session.RunNormalized(input));
        Assert.That(e!.Index, Is.EqualTo(new[] { 0, 2, 5, 7 }));
        Assert.That(e.InputName, Is.EqualTo(session.Model.Image.Name));
        Assert.That(e.Message, Does.Contain(word).And.Contain("[0, 2, 5, 7]").And.Contain($"'{e.InputName}'"));
    }

    [Test]
    public void AllowNonFiniteInputsLetsNaNPropagate()
    {
        using var session = InferenceSession.Load(TinyConfig, options: new SessionOptions { AllowNonFiniteInputs = true });
        Assert.That(session.AllowNonFiniteInputs, Is.True);
        var input = new Tensor([1, 3, 32, 32]);
        input.Data[0] = float.NaN;

        var result = session.RunNormalized(input);
        Assert.That(result["p2"].Data.Any(float.IsNaN), Is.True);
    }

    [Test]
    public void FirstNonFiniteIsFoundAtEveryPosition()
    {
        // Covers every lane of the vector loop and the scalar tail.
        for (int length = 0; length < 70; length++)
        {
            var values = Enumerable.Range(0, length).Select(i => i * 0.5f - 3f).ToArray();
            Assert.That(NonFiniteInputs.IndexOfNonFinite(values), Is.EqualTo(-1), $"length {length}");
            for (int bad = 0; bad < length; bad++)
            {
                var copy = (float[])values.Clone();
                copy[bad] = bad % 2 == 0 ? float.NaN : float.NegativeInfinity;
                if (bad + 3 < length) copy[bad + 3] = float.PositiveInfinity;
                Assert.That(NonFiniteInputs.IndexOfNonFinite(copy), Is.EqualTo(bad), $"length {length}, bad {bad}");
            }
        }
        Assert.That(NonFiniteInputs.IndexOfNonFinite([float.MaxValue, float.MinValue, float.Epsilon, -0f]), Is.EqualTo(-1));
    }
}
