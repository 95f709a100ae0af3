namespace D2Sharp.Imaging;

/// <summary>The CRC-32 PNG chunks carry (ISO 3309, reflected polynomial 0xEDB88320), over chunk type and data.</summary>
internal static class PngCrc
{
    private static readonly uint[] Table = BuildTable();

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }

    public static uint Compute(ReadOnlySpan<byte> typeAndData)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in typeAndData)
            crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return ~crc;
    }
}
