using System.Text.Json;
using D2Sharp.IO;

namespace D2Sharp.Tests.IO;

/// <summary>Every file Detectron2 wrote for the reference cases reads with the dtype and shape case.json promises.</summary>
[TestFixture]
public class NpyFixtureTests
{
    private static IEnumerable<string> Cases() => FixtureCase.Backbone;

    private static IEnumerable<string> CasesWithIntermediates() =>
        Cases().Where(c => FixtureCase.Load(c).Json.GetProperty("intermediates").ValueKind != JsonValueKind.Null);

    private static int[] Ints(JsonElement array) => array.EnumerateArray().Select(e => e.GetInt32()).ToArray();

    [TestCaseSource(nameof(Cases))]
    public void ImageIsUInt8HeightWidth3(string caseName)
    {
        var input = FixtureCase.Load(caseName).Json.GetProperty("input");
        var array = Npy.Read(TestPaths.Fixture(caseName, "image.npy"));

        Assert.That(array.DType, Is.EqualTo("|u1"));
        Assert.That(array.Shape, Is.EqualTo(new[] { input.GetProperty("height").GetInt32(), input.GetProperty("width").GetInt32(), 3 }));
        Assert.That(array.ToUInt8(), Has.Length.EqualTo(array.ElementCount));
        Assert.That(array.ToUInt8().Distinct().Count(), Is.GreaterThan(16), "a real image, not a constant");
    }

    [TestCaseSource(nameof(Cases))]
    public void InputIsFloat32Batch1Chw(string caseName)
    {
        var input = FixtureCase.Load(caseName).Json.GetProperty("input");
        var tensor = Npy.Read(TestPaths.Fixture(caseName, "input.npy")).ToTensor();

        Assert.That(tensor.Shape, Is.EqualTo(new[] { 1, 3, input.GetProperty("padded_height").GetInt32(), input.GetProperty("padded_width").GetInt32() }));
        Assert.That(tensor.Data.All(float.IsFinite), Is.True);
    }

    [TestCaseSource(nameof(Cases))]
    public void ExpectedHoldsEveryOutputAndAnchorSet(string caseName)
    {
        var json = FixtureCase.Load(caseName).Json;
        var expected = Npz.Read(TestPaths.Fixture(caseName, json.GetProperty("expected_file").GetString()!));

        var names = json.GetProperty("outputs").EnumerateArray().Concat(json.GetProperty("anchors").EnumerateArray())
            .Select(o => (Name: o.GetProperty("name").GetString()!, Shape: Ints(o.GetProperty("shape"))))
            .ToList();
        Assert.That(expected.Keys, Is.EquivalentTo(names.Select(n => n.Name)));
        foreach (var (name, shape) in names)
        {
            Assert.That(expected[name].DType, Is.EqualTo("<f4"), name);
            Assert.That(expected[name].ToTensor().Shape, Is.EqualTo(shape), name);
        }
    }

    [TestCaseSource(nameof(CasesWithIntermediates))]
    public void IntermediatesHoldEveryListedTensor(string caseName)
    {
        var json = FixtureCase.Load(caseName).Json;
        var intermediates = Npz.Read(TestPaths.Fixture(caseName, json.GetProperty("intermediates_file").GetString()!));

        var listed = json.GetProperty("intermediates").EnumerateObject().ToList();
        Assert.That(intermediates.Keys, Is.EqualTo(listed.Select(p => p.Name)), "same names, in archive order");
        foreach (var entry in listed)
            Assert.That(intermediates[entry.Name].ToTensor().Shape, Is.EqualTo(Ints(entry.Value)), entry.Name);
    }
}
