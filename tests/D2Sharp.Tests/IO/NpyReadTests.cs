using System.Buffers.Binary;
using D2Sharp.IO;

namespace D2Sharp.Tests.IO;

/// <summary>Hand-built .npy files in the dtypes, byte orders, memory orders and header styles numpy can produce.</summary>
[TestFixture]
public class NpyReadTests
{
    [Test]
    public void BigEndianFloat32IsDecoded()
    {
        var file = NpyBytes.Build(NpyBytes.Header(">f4", "(2, 2)"), NpyBytes.BigEndianFloats(1.5f, -2f, 3.25f, 1e-3f));
        var array = NpyBytes.Read(file);

        Assert.That(array.DType, Is.EqualTo(">f4"));
        Assert.That(array.Shape, Is.EqualTo(new[] { 2, 2 }));
        Assert.That(array.ToTensor().Data, Is.EqualTo(new[] { 1.5f, -2f, 3.25f, 1e-3f }));
    }

    [Test]
    public void Float64IsRoundedToNearestFloat32()
    {
        // 0.1 is not a float32; the nearest float32 is what numpy's astype(np.float32) gives.
        var file = NpyBytes.Build(NpyBytes.Header("<f8", "(3,)"), NpyBytes.LittleEndianDoubles(0.1, -1e300, 16777217.0));
        var tensor = NpyBytes.Read(file).ToTensor();

        Assert.That(tensor.Shape, Is.EqualTo(new[] { 3 }));
        Assert.That(tensor.Data[0], Is.EqualTo(0.1f));
        Assert.That(float.IsNegativeInfinity(tensor.Data[1]), Is.True);
        Assert.That(tensor.Data[2], Is.EqualTo(16777216f)); // ties to even
    }

    [Test]
    public void FortranOrderIsReorderedToCOrder()
    {
        // numpy.asfortranarray([[0, 1, 2], [3, 4, 5]]) stores columns: 0 3 1 4 2 5.
        var file = NpyBytes.Build(NpyBytes.Header("<f8", "(2, 3)", fortran: true), NpyBytes.LittleEndianDoubles(0, 3, 1, 4, 2, 5));
        var array = NpyBytes.Read(file);

        Assert.That(array.FortranOrder, Is.True);
        Assert.That(array.ToTensor().Data, Is.EqualTo(new float[] { 0, 1, 2, 3, 4, 5 }));
    }

    [Test]
    public void FortranOrderRank3IsReordered()
    {
        // Element (i, j, k) of a 2x3x4 Fortran array sits at i + 2j + 6k; store the value 100i + 10j + k there.
        var stored = new double[24];
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 3; j++)
                for (int k = 0; k < 4; k++)
                    stored[i + 2 * j + 6 * k] = 100 * i + 10 * j + k;
        var file = NpyBytes.Build(NpyBytes.Header("<f8", "(2, 3, 4)", fortran: true), NpyBytes.LittleEndianDoubles(stored));
        var data = NpyBytes.Read(file).ToTensor().Data;

        var expected = new List<float>();
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 3; j++)
                for (int k = 0; k < 4; k++)
                    expected.Add(100 * i + 10 * j + k);
        Assert.That(data, Is.EqualTo(expected));
    }

    [TestCase("|i1", new byte[] { 0xFF, 0x7F }, new float[] { -1, 127 })]
    [TestCase("|u1", new byte[] { 0xFF, 0x01 }, new float[] { 255, 1 })]
    [TestCase("|b1", new byte[] { 0x00, 0x01 }, new float[] { 0, 1 })]
    [TestCase("<i2", new byte[] { 0x00, 0x80, 0x34, 0x12 }, new float[] { -32768, 0x1234 })]
    [TestCase(">i2", new byte[] { 0x80, 0x00, 0x12, 0x34 }, new float[] { -32768, 0x1234 })]
    [TestCase("<u2", new byte[] { 0xFF, 0xFF, 0x00, 0x01 }, new float[] { 65535, 256 })]
    [TestCase(">u2", new byte[] { 0xFF, 0xFF, 0x01, 0x00 }, new float[] { 65535, 256 })]
    [TestCase("<i4", new byte[] { 0xFE, 0xFF, 0xFF, 0xFF, 7, 0, 0, 0 }, new float[] { -2, 7 })]
    [TestCase(">i4", new byte[] { 0xFF, 0xFF, 0xFF, 0xFE, 0, 0, 0, 7 }, new float[] { -2, 7 })]
    [TestCase("<u4", new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 7, 0, 0, 0 }, new float[] { 4294967295f, 7 })]
    [TestCase(">u4", new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 7 }, new float[] { 4294967295f, 7 })]
    [TestCase("<f2", new byte[] { 0x00, 0x3C, 0x00, 0xC0 }, new float[] { 1, -2 })]
    [TestCase(">f2", new byte[] { 0x3C, 0x00, 0xC0, 0x00 }, new float[] { 1, -2 })]
    [TestCase("<f4", new byte[] { 0, 0, 0xC0, 0x3F, 0, 0, 0x20, 0xC1 }, new float[] { 1.5f, -10 })]
    public void SmallDTypesConvertToFloat32(string descr, byte[] data, float[] expected)
    {
        var file = NpyBytes.Build(NpyBytes.Header(descr, "(2,)"), data);
        Assert.That(NpyBytes.Read(file).ToTensor().Data, Is.EqualTo(expected));
    }

    [Test]
    public void SixtyFourBitIntegersConvertInBothByteOrders()
    {
        var data = new byte[32];
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(0), -5);
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(8), 1L << 40);
        BinaryPrimitives.WriteInt64BigEndian(data.AsSpan(16), -5);
        BinaryPrimitives.WriteUInt64BigEndian(data.AsSpan(24), ulong.MaxValue);

        Assert.That(NpyBytes.Read(NpyBytes.Build(NpyBytes.Header("<i8", "(2,)"), data[..16])).ToTensor().Data, Is.EqualTo(new[] { -5f, 1099511627776f }));
        Assert.That(NpyBytes.Read(NpyBytes.Build(NpyBytes.Header(">i8", "(1,)"), data[16..24])).ToTensor().Data, Is.EqualTo(new[] { -5f }));
        Assert.That(NpyBytes.Read(NpyBytes.Build(NpyBytes.Header(">u8", "(1,)"), data[24..])).ToTensor().Data, Is.EqualTo(new[] { 18446744073709551616f }));
    }

    [Test]
    public void ScalarAndEmptyShapes()
    {
        var scalar = NpyBytes.Read(NpyBytes.Build(NpyBytes.Header("<f8", "()"), NpyBytes.LittleEndianDoubles(2.5)));
        Assert.That(scalar.Shape, Is.Empty);
        Assert.That(scalar.ToTensor().Data, Is.EqualTo(new[] { 2.5f }));

        var empty = NpyBytes.Read(NpyBytes.Build(NpyBytes.Header("<f4", "(0, 3)"), []));
        Assert.That(empty.Shape, Is.EqualTo(new[] { 0, 3 }));
        Assert.That(empty.ToTensor().Data, Is.Empty);
    }

    [TestCase(2)]
    [TestCase(3)]
    public void LaterFormatVersionsUseFourByteHeaderLength(int major)
    {
        var file = NpyBytes.Build(NpyBytes.Header("<f8", "(1,)"), NpyBytes.LittleEndianDoubles(4), major);
        Assert.That(NpyBytes.Read(file).ToTensor().Data, Is.EqualTo(new[] { 4f }));
    }

    [TestCase("{ \"shape\" : (2L, 1L) , \"fortran_order\":False,'descr':\"<f8\" }   ")]
    [TestCase("{'descr': '\\x3cf8', 'fortran_order': False,\n 'shape': (2, 1l)}")]
    public void HeaderSyntaxVariantsAreAccepted(string dict)
    {
        // Key order, double quotes, Python 2 long suffixes, no trailing comma, extra spaces, escapes, line breaks.
        var array = NpyBytes.Read(NpyBytes.Build(dict, NpyBytes.LittleEndianDoubles(1, 2)));
        Assert.That(array.Shape, Is.EqualTo(new[] { 2, 1 }));
        Assert.That(array.ToTensor().Data, Is.EqualTo(new[] { 1f, 2f }));
    }

    [Test]
    public void ReadLeavesStreamAfterTheData()
    {
        var first = NpyBytes.Build(NpyBytes.Header("<f8", "(1,)"), NpyBytes.LittleEndianDoubles(1));
        var second = NpyBytes.Build(NpyBytes.Header(">f4", "(1,)"), NpyBytes.BigEndianFloats(2));
        var stream = new MemoryStream([.. first, .. second]);

        Assert.That(Npy.Read(stream, "two.npy").ToTensor().Data, Is.EqualTo(new[] { 1f }));
        Assert.That(Npy.Read(stream, "two.npy").ToTensor().Data, Is.EqualTo(new[] { 2f }));
    }

    [Test]
    public void ToUInt8ReturnsTheStoredBytes()
    {
        var array = NpyBytes.Read(NpyBytes.Build(NpyBytes.Header("|u1", "(1, 2, 3)"), [1, 2, 3, 4, 5, 250]));
        Assert.That(array.ToUInt8(), Is.EqualTo(new byte[] { 1, 2, 3, 4, 5, 250 }));
    }

    [TestCase("<f4", false)]
    [TestCase("|u1", true)]
    public void ToUInt8RejectsOtherDTypesAndFortranOrder(string descr, bool fortran)
    {
        int itemSize = descr == "<f4" ? 4 : 1;
        var array = NpyBytes.Read(NpyBytes.Build(NpyBytes.Header(descr, "(2, 2)", fortran), new byte[4 * itemSize]), "odd.npy");
        var e = Assert.Throws<NpyFormatException>(() => array.ToUInt8());
        Assert.That(e!.Message, Does.Contain("odd.npy"));
    }
}
