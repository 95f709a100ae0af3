using D2Sharp.IO;

namespace D2Sharp.Tests.IO;

[TestFixture]
public class NpyWriteTests
{
    private static Tensor Ramp(params int[] shape)
    {
        var tensor = new Tensor(shape);
        for (int i = 0; i < tensor.Data.Length; i++) tensor.Data[i] = i * 0.25f - 3f;
        return tensor;
    }

    [TestCase(new int[0])]
    [TestCase(new[] { 5 })]
    [TestCase(new[] { 0, 4 })]
    [TestCase(new[] { 2, 3, 4 })]
    [TestCase(new[] { 1, 3, 70, 90 })]
    public void WriteThenReadRoundTrips(int[] shape)
    {
        var tensor = Ramp(shape);
        var stream = new MemoryStream();
        Npy.Write(stream, tensor);
        stream.Position = 0;

        var array = Npy.Read(stream, "memory.npy");
        Assert.That(array.DType, Is.EqualTo("<f4"));
        Assert.That(array.FortranOrder, Is.False);
        Assert.That(array.Shape, Is.EqualTo(shape));
        Assert.That(array.ToTensor().Data, Is.EqualTo(tensor.Data));
        Assert.That(stream.Position, Is.EqualTo(stream.Length));
    }

    [Test]
    public void SpecialFloatValuesSurvive()
    {
        var tensor = new Tensor([4], [float.NaN, float.NegativeInfinity, -0f, float.Epsilon]);
        var stream = new MemoryStream();
        Npy.Write(stream, tensor);
        stream.Position = 0;
        var back = Npy.Read(stream, "special.npy").ToTensor().Data;

        Assert.That(back.Select(BitConverter.SingleToInt32Bits), Is.EqualTo(tensor.Data.Select(BitConverter.SingleToInt32Bits)));
    }

    [Test]
    public void HeaderIsPaddedSoDataStartsOn64Bytes([Values(0, 1, 2, 3, 4, 7)] int rank)
    {
        var shape = Enumerable.Range(2, rank).ToArray();
        var stream = new MemoryStream();
        Npy.Write(stream, Ramp(shape));
        byte[] bytes = stream.ToArray();

        int headerLength = bytes[8] | bytes[9] << 8;
        Assert.That((10 + headerLength) % 64, Is.Zero);
        Assert.That(bytes[10 + headerLength - 1], Is.EqualTo((byte)'\n'));
        Assert.That(bytes.Length - 10 - headerLength, Is.EqualTo(4 * Tensor.CountElements(shape)));
    }

    [TestCase("tiny_r50_c4")]
    [TestCase("tiny_r50_fpn_dcnv2_g2")]
    public void RewritingAFixtureReproducesNumpysBytes(string caseName)
    {
        // input.npy was written by np.save (numpy 1.24); our writer must produce the identical file.
        string path = TestPaths.Fixture(caseName, "input.npy");
        byte[] original = File.ReadAllBytes(path);
        var stream = new MemoryStream();
        Npy.Write(stream, Npy.Read(path).ToTensor());

        Assert.That(stream.ToArray(), Is.EqualTo(original));
    }

    [Test]
    public void HeaderTooLongForVersion1UsesVersion2()
    {
        // 25000 axes of length 1 make a shape repr of ~75 KB, past version 1.0's 65535-byte limit.
        var shape = Enumerable.Repeat(1, 25000).ToArray();
        var stream = new MemoryStream();
        Npy.Write(stream, new Tensor(shape, [42f]));
        byte[] bytes = stream.ToArray();

        Assert.That(bytes[6], Is.EqualTo(2));
        Assert.That((12 + BitConverter.ToUInt32(bytes, 8)) % 64, Is.Zero);
        stream.Position = 0;
        var array = Npy.Read(stream, "long-header.npy");
        Assert.That(array.Shape, Has.Length.EqualTo(25000));
        Assert.That(array.ToTensor().Data, Is.EqualTo(new[] { 42f }));
    }

    [Test]
    public void WriteToPathCreatesAReadableFile()
    {
        string path = Path.Combine(Path.GetTempPath(), $"d2sharp-{Guid.NewGuid():N}.npy");
        try
        {
            Npy.Write(path, Ramp(3, 2));
            Assert.That(Npy.Read(path).ToTensor().Data, Is.EqualTo(Ramp(3, 2).Data));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
