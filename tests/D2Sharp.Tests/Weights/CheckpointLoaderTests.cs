using System.Text.Json;
using D2Sharp.Weights;

namespace D2Sharp.Tests.Weights;

[TestFixture]
public sealed class CheckpointLoaderTests
{
    private static IEnumerable<string> ModelPklCases() => WeightsFixtures.CasesWithModelPkl();

    [TestCaseSource(nameof(ModelPklCases))]
    public void EveryFixtureModelPklLoadsAsDetectron2Format(string fixtureCase)
    {
        using var caseJson = JsonDocument.Parse(File.ReadAllText(WeightsFixtures.Path(fixtureCase, "case.json")));
        var expected = caseJson.RootElement.GetProperty("checkpoint");

        var checkpoint = CheckpointLoader.Load(WeightsFixtures.Path(fixtureCase, "model.pkl"));

        Assert.That(expected.GetProperty("pickle_protocol").GetInt32(), Is.EqualTo(4));
        Assert.That(checkpoint.Format, Is.EqualTo(CheckpointFormat.Detectron2));
        Assert.That(checkpoint.Author, Is.EqualTo("oracle"));
        Assert.That(checkpoint.MatchingHeuristics, Is.False);
        Assert.That(checkpoint.Tensors, Has.Count.EqualTo(expected.GetProperty("num_keys").GetInt32()));
        Assert.That(checkpoint.Tensors.Keys, Has.All.StartsWith("backbone."));
        Assert.That(checkpoint.Tensors.Values.Sum(t => t.Length), Is.EqualTo(expected.GetProperty("num_backbone_params").GetInt64()),
            "element count of all entries");
    }

    [Test]
    public void TinyR50FpnHasTheKeysAndShapesOfItsConfig()
    {
        var tensors = WeightsFixtures.Reference.Tensors;

        Assert.That(tensors, Has.Count.EqualTo(281));
        // STEM_OUT_CHANNELS 16, RES2_OUT_CHANNELS 32, WIDTH_PER_GROUP 8, FPN.OUT_CHANNELS 32.
        Assert.That(tensors["backbone.bottom_up.stem.conv1.weight"].Shape, Is.EqualTo(new[] { 16, 3, 7, 7 }));
        Assert.That(tensors["backbone.bottom_up.stem.conv1.norm.running_var"].Shape, Is.EqualTo(new[] { 16 }));
        Assert.That(tensors["backbone.bottom_up.res2.0.conv1.weight"].Shape, Is.EqualTo(new[] { 8, 16, 1, 1 }));
        Assert.That(tensors["backbone.bottom_up.res2.0.shortcut.weight"].Shape, Is.EqualTo(new[] { 32, 16, 1, 1 }));
        Assert.That(tensors["backbone.bottom_up.res5.2.conv3.weight"].Shape, Is.EqualTo(new[] { 256, 64, 1, 1 }));
        Assert.That(tensors["backbone.fpn_lateral2.weight"].Shape, Is.EqualTo(new[] { 32, 32, 1, 1 }));
        Assert.That(tensors["backbone.fpn_output5.weight"].Shape, Is.EqualTo(new[] { 32, 32, 3, 3 }));
        Assert.That(tensors["backbone.fpn_output5.bias"].Shape, Is.EqualTo(new[] { 32 }));
        var runningVar = tensors["backbone.bottom_up.res3.1.conv2.norm.running_var"].Data;
        Assert.That(runningVar, Has.All.GreaterThan(0f), "running variances are positive");
        Assert.That(runningVar.Distinct().Count(), Is.GreaterThan(1), "randomised, not the identity init");
    }

    [TestCase("c2_blobs.pkl", 175)]
    [TestCase("c2_toplevel.pkl", 177)]
    [TestCase("c2_spatialbn.pkl", 175 + 2 * 53)]
    public void Caffe2VariantsLoadAsCaffe2WithMomentumDropped(string file, int blobs)
    {
        var checkpoint = CheckpointLoader.Load(WeightsFixtures.Path("tiny_r50_fpn_c2", file));

        Assert.That(checkpoint.Format, Is.EqualTo(CheckpointFormat.Caffe2));
        Assert.That(checkpoint.Author, Is.EqualTo("Caffe2"));
        Assert.That(checkpoint.MatchingHeuristics, Is.True);
        Assert.That(checkpoint.Tensors, Has.Count.EqualTo(blobs));
        Assert.That(checkpoint.Tensors.Keys.Select(checkpoint.OriginalName), Has.None.EndsWith("_momentum"));
        Assert.That(checkpoint.Tensors.Keys, Has.None.Contains("branch"), "renamed to Detectron2 names");
        Assert.That(checkpoint.Tensors["stem.conv1.weight"].Shape, Is.EqualTo(new[] { 16, 3, 7, 7 }));
        Assert.That(checkpoint.OriginalName("stem.conv1.weight"), Is.EqualTo("conv1_w"));
    }

    [Test]
    public void ImageNetClassifierBlobsBecomeLinear()
    {
        var checkpoint = CheckpointLoader.Load(WeightsFixtures.Path("tiny_r50_fpn_c2", "c2_toplevel.pkl"));

        Assert.That(checkpoint.Tensors["linear.weight"].Shape, Is.EqualTo(new[] { 1000, 256 }));
        Assert.That(checkpoint.OriginalName("linear.weight"), Is.EqualTo("pred_w"));
        Assert.That(checkpoint.OriginalName("linear.bias"), Is.EqualTo("pred_b"));
    }

    [TestCase(2)]
    [TestCase(4)]
    public void HandWrittenPicklesOfBothProtocolsDecode(int protocol)
    {
        var path = WriteDetectron2(protocol, new()
        {
            ["w"] = TestArray.Float32([2, 3], 1, 2, 3, 4, 5, 6),
        });

        var tensor = CheckpointLoader.Load(path).Tensors["w"];

        Assert.That(tensor.Shape, Is.EqualTo(new[] { 2, 3 }));
        Assert.That(tensor.Data, Is.EqualTo(new float[] { 1, 2, 3, 4, 5, 6 }));
    }

    [TestCase("f8", '>', new byte[] { 0x3F, 0xF8, 0, 0, 0, 0, 0, 0, 0xC0, 0x04, 0, 0, 0, 0, 0, 0 }, new float[] { 1.5f, -2.5f })]
    [TestCase("f8", '<', new byte[] { 0, 0, 0, 0, 0, 0, 0xF8, 0x3F, 0, 0, 0, 0, 0, 0, 0x04, 0xC0 }, new float[] { 1.5f, -2.5f })]
    [TestCase("f4", '>', new byte[] { 0x3F, 0xC0, 0, 0, 0xC0, 0x20, 0, 0 }, new float[] { 1.5f, -2.5f })]
    [TestCase("f2", '<', new byte[] { 0x00, 0x3E, 0x00, 0xC1 }, new float[] { 1.5f, -2.5f })]
    [TestCase("f2", '>', new byte[] { 0x3E, 0x00, 0xC1, 0x00 }, new float[] { 1.5f, -2.5f })]
    [TestCase("i8", '<', new byte[] { 7, 0, 0, 0, 0, 0, 0, 0, 0xFD, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF }, new float[] { 7, -3 })]
    [TestCase("i4", '>', new byte[] { 0, 0, 0, 7, 0xFF, 0xFF, 0xFF, 0xFD }, new float[] { 7, -3 })]
    [TestCase("i2", '<', new byte[] { 7, 0, 0xFD, 0xFF }, new float[] { 7, -3 })]
    [TestCase("i1", '|', new byte[] { 7, 0xFD }, new float[] { 7, -3 })]
    [TestCase("u1", '|', new byte[] { 7, 0xFD }, new float[] { 7, 253 })]
    [TestCase("u2", '>', new byte[] { 0, 7, 0xFF, 0xFD }, new float[] { 7, 65533 })]
    [TestCase("b1", '|', new byte[] { 1, 0 }, new float[] { 1, 0 })]
    [TestCase("b1", '|', new byte[] { 2, 0 }, new float[] { 1, 0 })] // numpy's astype: any nonzero bool byte is True
    [TestCase("u8", '>', new byte[] { 0, 0, 0, 0, 0, 0, 0, 7, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF }, new float[] { 7, 18446744073709551616f })]
    [TestCase("i8", '>', new byte[] { 0, 0, 0, 0, 0, 0, 0, 7, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFD }, new float[] { 7, -3 })]
    [TestCase("<f4", '>', new byte[] { 0x3F, 0xC0, 0, 0, 0xC0, 0x20, 0, 0 }, new float[] { 1.5f, -2.5f })] // the state's byte order wins
    public void DTypesAndByteOrdersBecomeFloat32(string descriptor, char byteOrder, byte[] data, float[] expected)
    {
        var path = WriteDetectron2(2, new() { ["x"] = new TestArray(descriptor, byteOrder, [2], data) });

        Assert.That(CheckpointLoader.Load(path).Tensors["x"].Data, Is.EqualTo(expected));
    }

    [Test]
    public void FortranOrderIsRewrittenRowMajor()
    {
        // The 2x3 matrix [[1,2,3],[4,5,6]] stored column by column.
        var columnMajor = TestArray.Float32([2, 3], 1, 4, 2, 5, 3, 6) with { Fortran = true };
        var path = WriteDetectron2(4, new() { ["m"] = columnMajor });

        var tensor = CheckpointLoader.Load(path).Tensors["m"];

        Assert.That(tensor.Shape, Is.EqualTo(new[] { 2, 3 }));
        Assert.That(tensor.Data, Is.EqualTo(new float[] { 1, 2, 3, 4, 5, 6 }));
    }

    [Test]
    public void FortranOrderRank3()
    {
        // a[i,j,k] = 100i + 10j + k for shape [2,3,2], stored with i fastest.
        var shape = new[] { 2, 3, 2 };
        var fortran = new List<float>();
        for (int k = 0; k < 2; k++)
            for (int j = 0; j < 3; j++)
                for (int i = 0; i < 2; i++)
                    fortran.Add(100 * i + 10 * j + k);
        var path = WriteDetectron2(4, new() { ["a"] = TestArray.Float32(shape, fortran.ToArray()) with { Fortran = true } });

        var data = CheckpointLoader.Load(path).Tensors["a"].Data;

        var rowMajor = new List<float>();
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 3; j++)
                for (int k = 0; k < 2; k++)
                    rowMajor.Add(100 * i + 10 * j + k);
        Assert.That(data, Is.EqualTo(rowMajor));
    }

    [TestCase(2)]
    [TestCase(4)]
    public void ZeroDimensionalAndEmptyArrays(int protocol)
    {
        var path = WriteDetectron2(protocol, new()
        {
            ["scalar"] = new TestArray("i8", '<', [], BitConverter.GetBytes(42L)),
            ["empty"] = TestArray.Float32([0, 4]),
        });

        var tensors = CheckpointLoader.Load(path).Tensors;

        Assert.That(tensors["scalar"].Shape, Is.Empty);
        Assert.That(tensors["scalar"].Data, Is.EqualTo(new float[] { 42 }));
        Assert.That(tensors["empty"].Shape, Is.EqualTo(new[] { 0, 4 }));
        Assert.That(tensors["empty"].Data, Is.Empty);
    }

    [Test]
    public void MatchingHeuristicsAndAuthorComeFromTheFile()
    {
        var with = TestPickle.Of(new Dictionary<string, object?>
        {
            ["model"] = new Dictionary<string, object?> { ["a"] = TestArray.Float32([1], 1) },
            ["__author__"] = "torchvision",
            ["matching_heuristics"] = true,
        }, 2);
        var without = TestPickle.Of(new Dictionary<string, object?>
        {
            ["model"] = new Dictionary<string, object?> { ["a"] = TestArray.Float32([1], 1) },
            ["__author__"] = null,
        }, 4);

        var heuristic = CheckpointLoader.Load(TempPickleFiles.Write(with));
        var plain = CheckpointLoader.Load(TempPickleFiles.Write(without));

        Assert.That((heuristic.Format, heuristic.Author, heuristic.MatchingHeuristics),
            Is.EqualTo((CheckpointFormat.Detectron2, "torchvision", true)));
        Assert.That((plain.Format, plain.Author, plain.MatchingHeuristics),
            Is.EqualTo((CheckpointFormat.Detectron2, (string?)null, false)));
    }

    [Test]
    public void Python2MsraStylePickleLoads()
    {
        // Detectron1 / MSRA files were written by Python 2: names and array data are py2 str
        // (BINSTRING, read as latin-1), no _codecs.encode, dtype flags as ints.
        var bytes = TestPickle.Of(new Dictionary<string, object?>
        {
            ["conv1_w"] = TestArray.Float32([2, 1, 1, 1], -2.5f, 1.5f),
            ["res2_0_branch2a_w"] = TestArray.Ramp([70, 1, 1, 1], -1),
            ["res2_0_branch2a_w_momentum"] = TestArray.Float32([1], 0),
            ["pred_w"] = TestArray.Float32([1, 2], 3, 4),
        }, 2, python2: true);

        var checkpoint = CheckpointLoader.Load(TempPickleFiles.Write(bytes));

        Assert.That(checkpoint.Format, Is.EqualTo(CheckpointFormat.Caffe2));
        Assert.That(checkpoint.Tensors.Keys, Is.EqualTo(new[] { "linear.weight", "res2.0.conv1.weight", "stem.conv1.weight" }));
        Assert.That(checkpoint.Tensors["stem.conv1.weight"].Data, Is.EqualTo(new[] { -2.5f, 1.5f }), "bytes above 0x7F survive latin-1");
        Assert.That(checkpoint.Tensors["res2.0.conv1.weight"].Data[69], Is.EqualTo(33.5f), "BINSTRING data over 255 bytes");
    }

    [TestCase(2)]
    [TestCase(4)]
    public void OrderedDictStateDictLoads(int protocol)
    {
        // Python 3 pickles OrderedDict as OrderedDict() followed by SETITEMS.
        var pickle = new TestPickle(protocol).Op('}').Op('(').Text("model")
            .Global("collections", "OrderedDict").Op(')').Op('R')
            .Op('(').Text("b.weight").Array(TestArray.Float32([1], 2)).Text("a.weight").Array(TestArray.Float32([1], 1)).Op('u')
            .Text("__author__").Text("state_dict").Op('u');

        var checkpoint = CheckpointLoader.Load(TempPickleFiles.Write(pickle.Stop()));

        Assert.That(checkpoint.Tensors.Keys, Is.EqualTo(new[] { "a.weight", "b.weight" }));
        Assert.That(checkpoint.Tensors["b.weight"].Data, Is.EqualTo(new[] { 2f }));
    }

    [Test]
    public void ConcurrentLoadsAgree()
    {
        string path = WeightsFixtures.Path("tiny_r50_fpn_c2", "c2_blobs.pkl");

        var loads = Enumerable.Range(0, 4).AsParallel().WithDegreeOfParallelism(4)
            .Select(_ => CheckpointLoader.Load(path)).ToList();

        foreach (var checkpoint in loads.Skip(1))
            foreach (var (key, tensor) in loads[0].Tensors)
                Assert.That(checkpoint.Tensors[key].Data, Is.EqualTo(tensor.Data), key);
    }

    [TestCase(true, "stem.conv1.weight")]
    [TestCase(false, "conv1_w")]
    public void Detectron2FormatByCaffe2WithHeuristicsIsRenamed(bool heuristics, string expectedKey)
    {
        // align_and_update_state_dicts(..., c2_conversion=checkpoint["__author__"] == "Caffe2").
        var bytes = TestPickle.Of(new Dictionary<string, object?>
        {
            ["model"] = new Dictionary<string, object?> { ["conv1_w"] = TestArray.Float32([1], 1) },
            ["__author__"] = "Caffe2",
            ["matching_heuristics"] = heuristics,
        }, 4);

        var checkpoint = CheckpointLoader.Load(TempPickleFiles.Write(bytes));

        Assert.That(checkpoint.Format, Is.EqualTo(CheckpointFormat.Detectron2));
        Assert.That(checkpoint.Tensors.Keys, Is.EqualTo(new[] { expectedKey }));
    }

    [Test]
    public void ModelWithoutAuthorIsCaffe2Naming()
    {
        // Only "model" and no "__author__": Detectron2 treats the whole dict as Caffe2 blobs.
        var bytes = TestPickle.Of(new Dictionary<string, object?>
        {
            ["conv1_w"] = TestArray.Float32([1], 1),
            ["res_conv1_bn_s"] = TestArray.Float32([1], 2),
            ["res_conv1_bn_s_momentum"] = TestArray.Float32([1], 3),
        }, 2);

        var checkpoint = CheckpointLoader.Load(TempPickleFiles.Write(bytes));

        Assert.That(checkpoint.Format, Is.EqualTo(CheckpointFormat.Caffe2));
        Assert.That(checkpoint.Tensors.Keys, Is.EqualTo(new[] { "stem.conv1.norm.weight", "stem.conv1.weight" }));
    }

    [Test]
    public void NonArrayInTheModelDictIsRejectedNamingTheKey()
    {
        var path = WriteDetectron2(4, new() { ["w"] = TestArray.Float32([1], 1), ["iteration"] = 90000 });

        var e = Assert.Throws<CheckpointException>(() => CheckpointLoader.Load(path));

        Assert.That(e!.Path, Is.EqualTo(path));
        Assert.That(e.Message, Does.Contain("'iteration'").And.Contain("not a numpy array").And.Contain(path));
    }

    [Test]
    public void UnsupportedDTypeIsRejectedNamingTheKey()
    {
        var path = WriteDetectron2(4, new() { ["c"] = new TestArray("c8", '<', [1], new byte[8]) });

        var e = Assert.Throws<CheckpointException>(() => CheckpointLoader.Load(path));

        Assert.That(e!.Message, Does.Contain("'c'").And.Contain("c8"));
    }

    [TestCase("O8", "never unpickles")]
    [TestCase("U3", "unsupported dtype")]
    [TestCase("f99999999999", "unsupported dtype")]
    [TestCase("b2", "unsupported dtype")]
    public void OtherDTypesAreRejectedNamingTheKeyAndFile(string descriptor, string reason)
    {
        var path = WriteDetectron2(4, new() { ["odd"] = new TestArray(descriptor, '|', [1], new byte[8]) });

        var e = Assert.Throws<CheckpointException>(() => CheckpointLoader.Load(path));

        Assert.That(e!.Message, Does.Contain("'odd'").And.Contain(descriptor).And.Contain(reason).And.Contain(path));
    }

    [Test]
    public void DataOfTheWrongLengthIsRejected()
    {
        var path = WriteDetectron2(4, new() { ["short"] = new TestArray("f4", '<', [3], new byte[8]) });

        var e = Assert.Throws<CheckpointException>(() => CheckpointLoader.Load(path));

        Assert.That(e!.Message, Does.Contain("'short'").And.Contain("needs 12 bytes"));
    }

    [Test]
    public void ShapeWhoseElementCountOverflowsIsRejected()
    {
        // (2^31-1)^4 elements: the product overflows 64 bits, so a wrapping count could alias a small one.
        int big = int.MaxValue;
        var path = WriteDetectron2(4, new() { ["huge"] = new TestArray("f4", '<', [big, big, big, big], new byte[4]) });

        var e = Assert.Throws<CheckpointException>(() => CheckpointLoader.Load(path));

        Assert.That(e!.Message, Does.Contain("'huge'").And.Contain("too large"));
    }

    [Test]
    public void MissingFileIsNamed()
    {
        string path = Path.Combine(Path.GetTempPath(), "no-such-dir-" + Guid.NewGuid(), "model.pkl");

        var e = Assert.Throws<CheckpointException>(() => CheckpointLoader.Load(path));

        Assert.That(e!.Path, Is.EqualTo(path));
        Assert.That(e.Message, Does.Contain(path).And.Contain("not found"));
    }

    [Test]
    public void DirectoryIsNamedAsSuch()
    {
        string path = Path.GetDirectoryName(TempPickleFiles.Write([1], "model.pkl"))!;

        var e = Assert.Throws<CheckpointException>(() => CheckpointLoader.Load(path));

        Assert.That(e!.Path, Is.EqualTo(path));
        Assert.That(e.Message, Does.Contain("is a directory"));
    }

    [TestCase(0.0)]
    [TestCase(0.001)]
    [TestCase(0.5)]
    [TestCase(0.9999)]
    public void TruncatedFileIsRejected(double fraction)
    {
        byte[] whole = File.ReadAllBytes(WeightsFixtures.Path("tiny_r50_fpn", "model.pkl"));
        string path = TempPickleFiles.Write(whole[..(int)(whole.Length * fraction)]);

        var e = Assert.Throws<CheckpointException>(() => CheckpointLoader.Load(path));

        Assert.That(e!.Path, Is.EqualTo(path));
        Assert.That(e.Message, Does.Contain(path));
    }

    [Test]
    public void GarbageIsRejected()
    {
        string path = TempPickleFiles.Write(System.Text.Encoding.ASCII.GetBytes("this is not a pickle\n"));

        var e = Assert.Throws<CheckpointException>(() => CheckpointLoader.Load(path));

        Assert.That(e!.Message, Does.Contain(path));
    }

    [Test]
    public void TopLevelThatIsNotADictIsRejected()
    {
        var list = new TestPickle(4).Op(']').Op('(').Int(1).Int(2).Op('e').Stop();
        string path = TempPickleFiles.Write(list);

        var e = Assert.Throws<CheckpointException>(() => CheckpointLoader.Load(path));

        Assert.That(e!.Message, Does.Contain("expected a dict").And.Contain(path));
    }

    [Test]
    public void ModelThatIsNotADictIsRejected()
    {
        var bytes = TestPickle.Of(new Dictionary<string, object?> { ["model"] = "weights", ["__author__"] = "me" }, 4);

        var e = Assert.Throws<CheckpointException>(() => CheckpointLoader.Load(TempPickleFiles.Write(bytes)));

        Assert.That(e!.Message, Does.Contain("\"model\""));
    }

    private static string WriteDetectron2(int protocol, Dictionary<string, object?> model) =>
        TempPickleFiles.Write(TestPickle.Of(new Dictionary<string, object?>
        {
            ["model"] = model,
            ["__author__"] = "test",
        }, protocol));
}
