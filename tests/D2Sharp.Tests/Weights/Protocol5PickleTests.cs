using D2Sharp.Weights;

namespace D2Sharp.Tests.Weights;

/// <summary>
/// Pickle protocol 5: numpy pickles contiguous arrays as <c>_frombuffer(buffer, dtype, shape, order)</c>
/// with the data in band (BYTEARRAY8, or bytes when read-only); out-of-band buffers stay refused.
/// </summary>
[TestFixture]
public sealed class Protocol5PickleTests
{
    [Test]
    public void NumpyProtocol5FixtureLoads()
    {
        // Written by tests/fixtures/make_torch_checkpoints.py with numpy's own pickler.
        var checkpoint = CheckpointLoader.Load(WeightsFixtures.Path("tiny_r50_fpn", "protocol5.pkl"));
        var tensors = checkpoint.Tensors;

        Assert.That(checkpoint.Author, Is.EqualTo("protocol5"));
        foreach (var key in tensors.Keys.Where(k => !k.StartsWith("extra.")))
            Assert.That(tensors[key].Data, Is.EqualTo(WeightsFixtures.Reference.Tensors[key].Data), key);
        Assert.That(tensors.Keys.Count(k => !k.StartsWith("extra.")), Is.EqualTo(6));
        Assert.That(tensors["extra.fortran"].Shape, Is.EqualTo(new[] { 2, 3 }));
        Assert.That(tensors["extra.fortran"].Data, Is.EqualTo(new float[] { 0, 1, 2, 3, 4, 5 }), "Fortran order rewritten row-major");
        Assert.That(tensors["extra.half"].Data, Is.EqualTo(new[] { 1.5f, -2.25f }));
        Assert.That(tensors["extra.int64"].Data, Is.EqualTo(new[] { 90000f, -3f }));
    }

    [TestCase("numpy.core.numeric", (byte)0x96)]
    [TestCase("numpy._core.numeric", (byte)0x8e)]
    public void FromBufferWithAnInBandBufferDecodes(string module, byte bufferOpcode)
    {
        var data = TestTorchZip.Floats(1, 2, 3, 4, 5, 6);
        var pickle = new TestPickle(5).Op('}').Op('(').Text("model").Op('}').Op('(').Text("w")
            .Global(module, "_frombuffer").Op('(')
            .Op(bufferOpcode).Raw(BitConverter.GetBytes((long)data.Length)).Raw(data)
            .Global("numpy", "dtype").Text("f4").Bool(false).Bool(true).Op(0x87).Op('R')
            .Op('(').Op('K').Byte(3).Text("<").Op('N').Op('N').Op('N').Int(-1).Int(-1).Op('K').Byte(0).Op('t').Op('b')
            .IntTuple([3, 2]).Text("C").Op('t').Op('R')
            .Op('u').Text("__author__").Text("p5").Op('u').Stop();

        var tensor = CheckpointLoader.Load(TempPickleFiles.Write(pickle)).Tensors["w"];

        Assert.That(tensor.Shape, Is.EqualTo(new[] { 3, 2 }));
        Assert.That(tensor.Data, Is.EqualTo(new float[] { 1, 2, 3, 4, 5, 6 }));
    }

    [Test]
    public void OutOfBandBufferIsRefused()
    {
        var pickle = new TestPickle(5).Op(0x97).Stop();

        var e = Assert.Throws<CheckpointException>(() => CheckpointLoader.Load(TempPickleFiles.Write(pickle)));

        Assert.That(e!.Message, Does.Contain("NEXT_BUFFER").And.Contain("unsafe"));
    }

    [Test]
    public void Protocol6IsRefusedAsUnsupported()
    {
        var e = Assert.Throws<CheckpointException>(() => CheckpointLoader.Load(TempPickleFiles.Write([0x80, 6, (byte)'N', (byte)'.'])));

        Assert.That(e!.Message, Does.Contain("unsupported pickle protocol 6").And.Contain("PROTO (0x80) at byte 0"));
    }
}
