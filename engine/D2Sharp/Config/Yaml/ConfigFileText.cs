using System.Buffers;
using System.Text;

namespace D2Sharp.Config.Yaml;

/// <summary>
/// Reads a config file's text as untrusted input: within the load's byte budget (checked against
/// the file's size before reading, and again while reading, since a device or a growing file may
/// report no size or the wrong one), and as strict UTF-8, which is what PyYAML reads when a file
/// has no byte-order mark. <see cref="File.ReadAllText(string)"/> would silently turn bad bytes into
/// U+FFFD, so a corrupted or binary file would load as strange strings instead of failing. Then,
/// as PyYAML's reader, it refuses characters YAML does not allow in a file (control characters).
/// </summary>
internal static class ConfigFileText
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>YAML 1.1's printable characters (PyYAML's reader): tab, line breaks, and all but the C0 and C1 controls, U+FFFE and U+FFFF.</summary>
    private static readonly SearchValues<char> Printable = SearchValues.Create(
        [.. "\t\n\r\u0085", .. Enumerable.Range(0x20, 0x7F - 0x20).Select(c => (char)c), .. Enumerable.Range(0xA0, 0xFFFE - 0xA0).Select(c => (char)c)]);

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
        string text;
        try
        {
            text = StrictUtf8.GetString(bytes[start..]);
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
        CheckPrintable(text, path);
        return text;
    }

    /// <summary>
    /// PyYAML's reader refuses any character outside YAML's printable set ("special characters are
    /// not allowed"); YamlDotNet reads some of them into scalars, where a terminal escape in a value
    /// would reach logs and dumps.
    /// </summary>
    private static void CheckPrintable(string text, string path)
    {
        int at = text.AsSpan().IndexOfAnyExcept(Printable);
        if (at < 0) return;
        int line = 1 + text.AsSpan(0, at).Count('\n');
        throw new ConfigException(
            $"Config file '{path}', line {line}: character U+{(int)text[at]:X4} is not allowed in YAML " +
            "(only printable characters, tabs and line breaks are; a double-quoted string can escape it).",
            file: path);
    }
}
