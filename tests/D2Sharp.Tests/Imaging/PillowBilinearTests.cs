using D2Sharp.Imaging;

namespace D2Sharp.Tests.Imaging;

/// <summary>
/// <see cref="PillowBilinear"/> against PIL itself and against the filter worked out by hand.
/// </summary>
[TestFixture]
public class PillowBilinearTests
{
    /// <summary>A deliberately non-smooth test pattern, so every weight and rounding step shows.</summary>
    private static byte[] Pattern(int height, int width)
    {
        var pixels = new byte[height * width * 3];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                for (int c = 0; c < 3; c++)
                    pixels[(y * width + x) * 3 + c] = (byte)((37 * y + 23 * x + 91 * c + 13 * y * x) % 256);
        return pixels;
    }

    // Expected bytes: PIL's Image.frombytes("RGB", (w, h), Pattern(h, w)).resize((nw, nh),
    // Image.BILINEAR).tobytes(), generated once with Debian bookworm's python3-pil 9.4.0 and pasted
    // here as hex. Covers 2x upscaling, 2x and 3x downscaling, a mixed non-integer resize, and
    // single-axis resizes (where Pillow skips the other pass).
    [TestCase(3, 4, 6, 8, "005BB60661BC116CC71D78D32883DE348FEA3F9AF545A0FB0964BF106BC61D78D32A85D03792BD45A0BB51ACC758B3CE1C77D2247FDA348FEA45A0CB55B07B66C15C76D16C7ED9742E89A43893AE4CA7C25FAAA5739E5987A23D9AB550A4BF5A419C374CA74263BE597AA560915C57A8435EBF5A75CA65804AA50056B10C6FCA2587A23DA03B56B8136ED12C87DD3893")]
    [TestCase(8, 8, 4, 4, "3187B367998F8C826B92AE7C808856906786736A898394828A6E857376816E717874907D726F967C6A72807288707DA4")]
    [TestCase(9, 12, 3, 4, "5B8A91847C7A8592898D7C7F87707D71707C7B947D7E878970678A787087659994729584")]
    [TestCase(7, 10, 5, 13, "0C67C21E79D4338EC548A3A95DB8BE728F56888D3E9CA252AEB76782CC7D867F919B4B89AD5D633A956156B17E77966F98654EBA86707354916E57B28F78ADAC996676BB88818AA9716FA3308B756FCA25986A4EB33D7DA952A45B82B0638F676F616B873F81B16F6D639F9D73996E82A1596EC982A48E5A8F668F69729D559B7E94814F7F5388576B8D4E8A6C8875426FB48197A07DA37A8B7B65C0D22D886A6CC75B6EA585455B4C4EA6519574858B66A168856C74C974BF904CA7884E8B738D9343")]
    [TestCase(4, 6, 4, 9, "005BB60C67C21B76D12A85E03A95F049A4D458B33968C31E73CE292580DB3792ED4FAADA67C2487FDA3597C74DAF3565C7227DD9348F4AA50063BE1983B339A42A5AC5207BBA409B3161BC2782DD3F9AF56FCA258E6944B7126DE13C978A65C0338EBF5DB83D86613CA5005B")]
    [TestCase(6, 4, 9, 4, "005BB61772CD2E89E445A0FB136EC9308BE64EA9846BC6A12B86B651ACDD78A82E9ECE54449F2573CE53A12757D056865DB813946F4ACC2782835EB975D02BB5106BCB51AC3691C18EE944D7328D4A7AD568C349A7825D7853AE4AA5809B7651B9146F116CC769C41FC11C77")]
    [TestCase(1, 4, 1, 2, "106BC63590EB")]
    public void MatchesPil(int height, int width, int newHeight, int newWidth, string expectedHex)
    {
        byte[] resized = PillowBilinear.Resize(Pattern(height, width), height, width, newHeight, newWidth);
        Assert.That(Convert.ToHexString(resized), Is.EqualTo(expectedHex));
    }

    [Test]
    public void HalvingFourPixelsWorkedByHand()
    {
        // 1x4 -> 1x2, scale 2, so the triangle is 2 pixels wide on each side (support 2):
        //   out 0: centre 1; inputs 0..2 at distances 0.5, 0.5, 1.5 (in output units 0.25, 0.25, 0.75)
        //          weights 0.75, 0.75, 0.25 -> normalised 3/7, 3/7, 1/7;
        //   out 1: centre 3; inputs 1..3, weights 1/7, 3/7, 3/7.
        // Fixed point: round(3/7 * 2^22) = 1797559, round(1/7 * 2^22) = 599186.
        //   out 0 = (2^21 + 70*1797559 + 140*599186) >> 22 = 211812322 >> 22 = 50
        //   out 1 = (2^21 + 70*599186 + 140*1797559 + 210*1797559) >> 22 = 673185822 >> 22 = 160
        // (plain interpolation of the two middle inputs would give 35 and 175 instead).
        byte[] row = [0, 0, 0, 70, 70, 70, 140, 140, 140, 210, 210, 210];
        byte[] resized = PillowBilinear.Resize(row, 1, 4, 1, 2);
        Assert.That(resized, Is.EqualTo(new byte[] { 50, 50, 50, 160, 160, 160 }));
    }

    [Test]
    public void DoublingTwoPixelsWorkedByHand()
    {
        // 1x2 -> 1x4, scale 0.5, support 1; output centres 0.25, 0.75, 1.25, 1.75 in input units,
        // input pixel centres 0.5 and 1.5. Weight = 1 - distance.
        //   out 0: only input 0 is in range ([0, 1.75) truncates to one pixel) -> 0
        //   out 1: distances 0.25 and 0.75 -> 0.75*0 + 0.25*100 = 25 (fixed point: 25.5 before the floor)
        //   out 2: distances 0.75 and 0.25 -> 75;  out 3: only input 1 -> 100
        byte[] row = [0, 0, 0, 100, 100, 100];
        byte[] resized = PillowBilinear.Resize(row, 1, 2, 1, 4);
        Assert.That(resized, Is.EqualTo(new byte[] { 0, 0, 0, 25, 25, 25, 75, 75, 75, 100, 100, 100 }));
    }

    [Test]
    public void ConstantImageStaysConstantAtAnyScale([Values(1, 3, 7, 20)] int newHeight, [Values(2, 5, 31)] int newWidth)
    {
        byte[] flat = Enumerable.Repeat((byte)173, 10 * 11 * 3).ToArray();
        byte[] resized = PillowBilinear.Resize(flat, 10, 11, newHeight, newWidth);
        Assert.That(resized, Has.Length.EqualTo(newHeight * newWidth * 3).And.All.EqualTo(173));
    }
}
