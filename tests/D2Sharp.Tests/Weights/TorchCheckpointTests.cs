using D2Sharp.IO;
using D2Sharp.Imaging;
using D2Sharp.Runtime;
using D2Sharp.Weights;

namespace D2Sharp.Tests.Weights;

/// <summary>
/// PyTorch zip checkpoints (<c>.pth</c>): the copies of tiny_r50_fpn's weights that
/// tests/fixtures/make_torch_checkpoints.py wrote with torch.save, and hand-built archives for
/// the rules (allowlist, persistent ids, storage bounds, zip entries).
/// </summary>
[TestFixture]
public sealed class TorchCheckpointTests
{
    private static string TinyPath(string file) => WeightsFixtures.Path("tiny_r50_fpn", file);

    [Test]
    public void StateDictPthLoadsToExactlyTheTensorsOfThePkl()
    {
        var pth = CheckpointLoader.Load(TinyPath("model.pth"));
        var pkl = WeightsFixtures.Reference;

        Assert.That(pth.Format, Is.EqualTo(CheckpointFormat.PyTorch));
        Assert.That(pth.MatchingHeuristics, Is.True, "Detectron2 always matches .pth files with heuristics");
        Assert.That(pth.Author, Is.Null);
        Assert.That(pth.Tensors.Keys, Is.EqualTo(pkl.Tensors.Keys));
        foreach (var (key, tensor) in pkl.Tensors)
        {
            Assert.That(pth.Tensors[key].Shape, Is.EqualTo(tensor.Shape), key);
            Assert.That(pth.Tensors[key].Data, Is.EqualTo(tensor.Data), key);
        }
    }

    [Test]
    public void ModelBuiltFromThePthGivesTheResultOfThePkl()
    {
        var c = FixtureCase.Load("tiny_r50_fpn");
        using var fromPkl = InferenceSession.Load(c.Path("config_resolved.yaml"), c.RunOpts, c.Path("model.pkl"));
        using var fromPth = InferenceSession.Load(c.Path("config_resolved.yaml"), c.RunOpts, c.Path("model.pth"));
        var image = ImageLoader.Load(c.Path("image.npy"), fromPkl.Model.InputFormat);

        var expected = fromPkl.Run(image);
        var result = fromPth.Run(image);

        foreach (var (name, array) in c.Expected)
        {
            Assert.That(result[name].Data, Is.EqualTo(expected[name].Data), name);
            Tolerance.AssertClose($"tiny_r50_fpn/{name}", result[name], array.ToTensor(), name.StartsWith("anchors_"));
        }
    }

    [Test]
    public void TrainingCheckpointDecodesOnlyItsModel()
    {
        var checkpoint = CheckpointLoader.Load(TinyPath("training_checkpoint.pth"));
        var tensors = checkpoint.Tensors;

        Assert.That(checkpoint.Format, Is.EqualTo(CheckpointFormat.PyTorch));
        Assert.That(tensors.Keys.Where(k => !k.StartsWith("extra.")), Is.EqualTo(
            WeightsFixtures.Reference.Tensors.Keys.Where(k => k.StartsWith("backbone.bottom_up.stem."))));
        Assert.That(tensors["backbone.bottom_up.stem.conv1.weight"].Data,
            Is.EqualTo(WeightsFixtures.Reference.Tensors["backbone.bottom_up.stem.conv1.weight"].Data));
        Assert.That(tensors["extra.half"].Data, Is.EqualTo(new[] { 1.5f, -2.25f }));
        Assert.That(tensors["extra.bfloat16"].Data, Is.EqualTo(new[] { 1.5f, -2.25f }));
        Assert.That(tensors["extra.num_batches_tracked"].Shape, Is.Empty);
        Assert.That(tensors["extra.num_batches_tracked"].Data, Is.EqualTo(new[] { 90000f }), "int64 becomes float32, as numpy ints do");
        Assert.That(tensors["extra.transposed"].Shape, Is.EqualTo(new[] { 3, 2 }));
        Assert.That(tensors["extra.transposed"].Data, Is.EqualTo(new float[] { 0, 3, 1, 4, 2, 5 }), "a non-contiguous view is gathered");
        Assert.That(tensors["extra.offset_view"].Data, Is.EqualTo(new float[] { 3, 4, 5, 6 }), "a view with a storage offset");
    }

    [Test]
    public void TrainingLayoutDecodesItsModelAndTakesItsAuthor()
    {
        // {"model": ..., "iteration": N}: only "model" is decoded, the int is ignored.
        var training = new TestPickle(2).Op('}').Op('(').Text("model").Op('}').Op('(')
            .Text("w").TorchTensor("FloatStorage", "0", 2, 0, [2], [1]).Op('u')
            .Text("iteration").Int(7).Text("__author__").Text("Caffe2").Op('u').Stop();

        var checkpoint = CheckpointLoader.Load(TestTorchZip.Write(training, new Dictionary<string, byte[]> { ["0"] = TestTorchZip.Floats(1, 2) }));

        Assert.That(checkpoint.Author, Is.EqualTo("Caffe2"));
        Assert.That(checkpoint.Tensors.Keys, Is.EqualTo(new[] { "w" }), "Caffe2 renaming keeps a name without C2 suffixes");
        Assert.That(checkpoint.Tensors["w"].Data, Is.EqualTo(new[] { 1f, 2f }));
    }

    [Test]
    public void NonTensorInAPlainStateDictIsRejectedNamingTheKey()
    {
        var pickle = new TestPickle(2).Op('}').Op('(').Text("w").TorchTensor("FloatStorage", "0", 1, 0, [1], [1])
            .Text("iteration").Int(7).Op('u').Stop();
        string path = TestTorchZip.Write(pickle, new Dictionary<string, byte[]> { ["0"] = TestTorchZip.Floats(1) });

        var e = Assert.Throws<CheckpointException>(() => CheckpointLoader.Load(path));

        Assert.That(e!.Message, Does.Contain("'iteration'").And.Contain("not a tensor").And.Contain(path));
    }

    [Test]
    public void BigEndianByteOrderRecordIsHonoured()
    {
        var pickle = new TestPickle(2).Op('}').Op('(').Text("w").TorchTensor("FloatStorage", "0", 1, 0, [1], [1]).Op('u').Stop();
        string path = TestTorchZip.Write(pickle, new Dictionary<string, byte[]> { ["0"] = [0x3F, 0xC0, 0, 0] },
            new Dictionary<string, byte[]> { ["byteorder"] = "big"u8.ToArray() });

        Assert.That(CheckpointLoader.Load(path).Tensors["w"].Data, Is.EqualTo(new[] { 1.5f }));
    }

    [TestCase(3, new long[] { 2 }, new long[] { 1 }, "reach element 4")]
    [TestCase(0, new long[] { 2, 2 }, new long[] { 3, 1 }, "reach element 4")]
    [TestCase(0, new long[] { int.MaxValue, int.MaxValue, int.MaxValue, int.MaxValue }, new long[] { 1, 1, 1, 1 }, "too large")]
    [TestCase(0, new long[] { 2 }, new long[] { -1 }, "stride is not a non-negative integer")]
    [TestCase(-1, new long[] { 2 }, new long[] { 1 }, "storage offset is not a non-negative integer")]
    [TestCase(0, new long[] { 2, 2 }, new long[] { 1 }, "2 dimensions but 1 strides")]
    public void ViewsOutsideTheirStorageAreRefusedBeforeReadingIt(long offset, long[] size, long[] stride, string expected)
    {
        var pickle = new TestPickle(2).Op('}').Op('(').Text("w").TorchTensor("FloatStorage", "0", 4, offset, size, stride).Op('u').Stop();
        string path = TestTorchZip.Write(pickle, new Dictionary<string, byte[]> { ["0"] = TestTorchZip.Floats(1, 2, 3, 4) });

        var e = Assert.Throws<CheckpointException>(() => CheckpointLoader.Load(path));

        Assert.That(e!.Message, Does.Contain("'w'").And.Contain(expected));
    }

    [Test]
    public void StorageWhoseRecordIsNotItsDeclaredSizeIsRefused()
    {
        var pickle = new TestPickle(2).Op('}').Op('(').Text("w").TorchTensor("FloatStorage", "0", 1000, 0, [2], [1]).Op('u').Stop();
        string path = TestTorchZip.Write(pickle, new Dictionary<string, byte[]> { ["0"] = TestTorchZip.Floats(1, 2) });

        var e = Assert.Throws<CheckpointException>(() => CheckpointLoader.Load(path));

        Assert.That(e!.Message, Does.Contain("declares 1000 elements").And.Contain("holds 8 bytes"));
    }

    [Test]
    public void MissingStorageRecordIsNamed()
    {
        var pickle = new TestPickle(2).Op('}').Op('(').Text("w").TorchTensor("FloatStorage", "7", 1, 0, [1], [1]).Op('u').Stop();

        var e = Assert.Throws<CheckpointException>(() => CheckpointLoader.Load(TestTorchZip.Write(pickle)));

        Assert.That(e!.Message, Does.Contain("archive/data/7"));
    }

    [TestCase("os", "system")]
    [TestCase("torch._utils", "_rebuild_parameter")]
    [TestCase("torch.nn.modules.conv", "Conv2d")]
    public void DisallowedGlobalInDataPklIsRefused(string module, string name)
    {
        var pickle = new TestPickle(2).Global(module, name).Op(')').Op('R').Stop();

        var e = Assert.Throws<CheckpointException>(() => CheckpointLoader.Load(TestTorchZip.Write(pickle)));

        Assert.That(e!.Message, Does.Contain($"{module}.{name}").And.Contain("unsafe").And.Contain("archive/data.pkl"));
    }

    [Test]
    public void CallingAStorageTypeIsRefused()
    {
        var pickle = new TestPickle(2).Global("torch", "FloatStorage").Op(')').Op('R').Stop();

        var e = Assert.Throws<CheckpointException>(() => CheckpointLoader.Load(TestTorchZip.Write(pickle)));

        Assert.That(e!.Message, Does.Contain("torch.FloatStorage").And.Contain("only appear as an argument"));
    }

    [Test]
    public void PersistentIdThatIsNotAStorageReferenceIsRefused()
    {
        var pickle = new TestPickle(2).Op('(').Text("storage").Global("numpy", "ndarray").Text("0").Text("cpu").Int(1).Op('t').Op('Q').Stop();

        var e = Assert.Throws<CheckpointException>(() => CheckpointLoader.Load(TestTorchZip.Write(pickle)));

        Assert.That(e!.Message, Does.Contain("persistent id").And.Contain("unsafe"));
    }

    [Test]
    public void TorchGlobalsInAPklStayRefused()
    {
        var pickle = new TestPickle(2).Op('}').Op('(').Text("w").TorchTensor("FloatStorage", "0", 1, 0, [1], [1]).Op('u').Stop();

        var e = Assert.Throws<CheckpointException>(() => CheckpointLoader.Load(TempPickleFiles.Write(pickle, "model.pkl")));

        Assert.That(e!.Message, Does.Contain("torch._utils._rebuild_tensor_v2").And.Contain("unsafe"));
    }

    [Test]
    public void EntryOutsideTheArchiveFolderIsRefused()
    {
        var pickle = new TestPickle(2).Op('}').Stop();
        string path = TestTorchZip.Write(pickle, extra: new Dictionary<string, byte[]> { ["/../evil"] = [1] });

        var e = Assert.Throws<CheckpointException>(() => CheckpointLoader.Load(path));

        Assert.That(e!.Message, Does.Contain("'../evil'").And.Contain("outside the archive folder"));
    }

    [Test]
    public void PickleNamedPthIsNotAZipArchive()
    {
        string path = TempPickleFiles.Write(File.ReadAllBytes(TinyPath("model.pkl")), "model.pth");

        var e = Assert.Throws<CheckpointException>(() => CheckpointLoader.Load(path));

        Assert.That(e!.Message, Does.Contain("not a zip archive").And.Contain(path));
    }

    [Test]
    public void PthNamedPklIsToldToBeRenamed()
    {
        string path = TempPickleFiles.Write(File.ReadAllBytes(TinyPath("model.pth")), "model.pkl");

        var e = Assert.Throws<CheckpointException>(() => CheckpointLoader.Load(path));

        Assert.That(e!.Message, Does.Contain("is a zip archive").And.Contain("name it .pth"));
    }

    [Test]
    public void ArchiveWithoutDataPklIsNamed()
    {
        string path = TestTorchZip.Write([], extra: null, prefix: "archive");
        using (var zip = System.IO.Compression.ZipFile.Open(path, System.IO.Compression.ZipArchiveMode.Update))
            zip.GetEntry("archive/data.pkl")!.Delete();

        var e = Assert.Throws<CheckpointException>(() => CheckpointLoader.Load(path));

        Assert.That(e!.Message, Does.Contain("no 'archive/data.pkl' record"));
    }
}
