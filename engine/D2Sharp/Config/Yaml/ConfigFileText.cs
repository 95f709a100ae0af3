using System.Text;

namespace D2Sharp.Config.Yaml;

/// <summary>
/// Reads a config file's text as untrusted input: within the load's byte budget (checked against
/// the file's size before reading, and again while reading, since a device or a growing file may
/// report no size or the wrong one), and as strict UTF-8, which is what PyYAML reads when a file
/// has no byte-order mark. <see cref="File.ReadAllText(string)"/> would silently turn bad bytes into
/// U+FFFD, so a corrupted or binary file would load as strange strings instead of failing.
/// </summary>
internal static class ConfigFileText
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The first read's size when the file does not say its own.</summary>
    private const int ChunkBytes = 64 << 10;

    /// <summary>The text of <paramref name="path"/>, its UTF-8 byte-order mark (if any) removed.</summary>
    public static string Read(string path, ConfigLoadBudget budget)
    {
        ReadOnlySpan<byte> bytes = ReadBytes(path, budget);
        budget.ChargeBytes(bytes.Length);
        return Decode(bytes, path);
    }

    private static ReadOnlySpan<byte> ReadBytes(string path, ConfigLoadBudget budget)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
            if (stream.CanSeek && stream.Length > budget.BytesLeft) throw TooLarge(path, stream.Length, budget);
            // One byte more than the stated size, so that a file longer than it says is seen at once.
            byte[] buffer = new byte[stream.CanSeek ? stream.Length + 1 : ChunkBytes];
            int length = 0;
            while (true)
            {
                if (length == buffer.Length)
                    Array.Resize(ref buffer, (int)Math.Min(Math.Min(2L * length, budget.BytesLeft + 1), Array.MaxLength));
                int read = stream.Read(buffer, length, buffer.Length - length);
                if (read == 0) return buffer.AsSpan(0, length);
                length += read;
                if (length > budget.BytesLeft) throw TooLarge(path, size: null, budget);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"Cannot read config file '{path}': {e.Message}", file: path, inner: e);
        }
    }

    private static ConfigException TooLarge(string path, long? size, ConfigLoadBudget budget)
    {
        string what = size is long known ? $"is {ConfigLoadBudget.Count(known)} bytes" : $"holds more than the {ConfigLoadBudget.Count(budget.BytesLeft)} bytes left";
        string alreadyRead = budget.BytesRead == 0 ? "" : $", {ConfigLoadBudget.Count(budget.BytesRead)} of them already read from its _BASE_ chain";
        return new ConfigException(
            $"Config file '{path}' {what}: too large for a config (one load reads at most " +
            $"{ConfigLoadBudget.Count(budget.Options.MaxBytes)} bytes{alreadyRead}; see ConfigLoadOptions.MaxBytes).",
            file: path);
    }

    private static string Decode(ReadOnlySpan<byte> bytes, string path)
    {
        ReadOnlySpan<byte> byteOrderMark = [0xEF, 0xBB, 0xBF];
        int start = bytes.StartsWith(byteOrderMark) ? byteOrderMark.Length : 0;
        try
        {
            return StrictUtf8.GetString(bytes[start..]);
        }
        catch (DecoderFallbackException e)
        {
            int offset = start + e.Index;
            int line = 1 + bytes[..offset].Count((byte)'\n');
            string utf16 = bytes is [0xFF, 0xFE, ..] or [0xFE, 0xFF, ..]
                ? " It starts with a UTF-16 byte-order mark; save it as UTF-8."
                : "";
            throw new ConfigException(
                $"Config file '{path}' is not valid UTF-8: byte 0x{bytes[offset]:X2} at byte offset {offset} (line {line}) " +
                $"does not decode.{utf16}",
                file: path, inner: e);
        }
    }
}
