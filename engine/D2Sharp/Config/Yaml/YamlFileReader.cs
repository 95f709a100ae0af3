using D2Sharp.Config.Python;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace D2Sharp.Config.Yaml;

/// <summary>
/// Reads one YAML file into plain values as Detectron2 does (<c>yaml.safe_load</c>, retried with
/// <c>yaml.unsafe_load</c> for Python tags): PyYAML's scalar typing, anchors and aliases, and of the
/// Python tags only <c>!!python/tuple</c> and <c>!!python/object/apply:eval</c>, whose expression
/// goes to the restricted <see cref="PyArithmeticEvaluator"/>. Errors name the file, line and key.
/// </summary>
internal sealed class YamlFileReader
{
    private const string PythonTuple = "tag:yaml.org,2002:python/tuple";
    private const string PythonEval = "tag:yaml.org,2002:python/object/apply:eval";

    private readonly IParser _parser;
    private readonly string _file;
    private readonly Dictionary<string, object?> _anchors = new(StringComparer.Ordinal);

    private YamlFileReader(IParser parser, string file)
    {
        _parser = parser;
        _file = file;
    }

    /// <summary>The document of <paramref name="path"/>: usually a <see cref="YamlMapping"/>; null when empty.</summary>
    public static object? ReadFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"Cannot read config file '{path}': {e.Message}", file: path, inner: e);
        }
        return ReadText(text, path);
    }

    /// <summary>Parses YAML text; <paramref name="file"/> is used in messages and sources.</summary>
    public static object? ReadText(string text, string file)
    {
        var reader = new YamlFileReader(new Parser(new StringReader(text)), file);
        try
        {
            return reader.ReadStream();
        }
        catch (YamlException e)
        {
            throw new ConfigException($"Invalid YAML in '{file}' at line {e.Start.Line}: {e.Message}", file: file, inner: e);
        }
    }

    private object? ReadStream()
    {
        _parser.Consume<StreamStart>();
        if (_parser.TryConsume<StreamEnd>(out _)) return null;
        _parser.Consume<DocumentStart>();
        object? root = ReadNode(path: "");
        _parser.Consume<DocumentEnd>();
        if (!_parser.Accept<StreamEnd>(out _))
            throw new ConfigException($"'{_file}' holds more than one YAML document; a config file holds one.", file: _file);
        return root;
    }

    private object? ReadNode(string path)
    {
        ParsingEvent next = _parser.Current ?? throw new ConfigException($"Unexpected end of YAML in '{_file}'.", file: _file);
        if (next is AnchorAlias alias)
        {
            _parser.MoveNext();
            return _anchors.TryGetValue(alias.Value.Value, out object? target)
                ? target
                : throw Error($"unknown alias '*{alias.Value}'", path, alias.Start);
        }
        var node = (NodeEvent)next;
        object? value = node switch
        {
            Scalar scalar => ReadScalar(scalar, path),
            SequenceStart sequence => ReadSequence(sequence, path),
            MappingStart mapping => ReadMapping(mapping, path),
            _ => throw Error($"unexpected YAML event {next}", path, next.Start),
        };
        if (!node.Anchor.IsEmpty) _anchors[node.Anchor.Value] = value;
        return value;
    }

    private object? ReadScalar(Scalar scalar, string path)
    {
        _parser.MoveNext();
        // As PyYAML: plain untagged scalars are typed by their text, and so is anything tagged "!".
        bool implicitTyping = (scalar.Tag.IsEmpty && scalar.Style == ScalarStyle.Plain) || scalar.Tag.IsNonSpecific;
        string tag = implicitTyping ? YamlScalarResolver.ImplicitTag(scalar.Value)
            : scalar.Tag.IsEmpty ? YamlScalarResolver.StrTag
            : scalar.Tag.Value;
        try
        {
            if (YamlScalarResolver.TryConstruct(tag, scalar.Value, out object? value)) return value;
        }
        catch (FormatException e)
        {
            throw Error(e.Message, path, scalar.Start);
        }
        throw Error(tag == YamlScalarResolver.MergeTag
            ? "YAML merge keys (<<) are not supported"
            : $"'{scalar.Value}' has YAML type {tag}, which is not a valid config value (int, float, bool, str, None, list)",
            path, scalar.Start);
    }

    private object? ReadSequence(SequenceStart sequence, string path)
    {
        string tag = sequence.Tag.IsEmpty || sequence.Tag.IsNonSpecific ? "" : sequence.Tag.Value;
        if (tag is not ("" or "tag:yaml.org,2002:seq" or PythonTuple or PythonEval))
            throw Error($"unsupported YAML tag '{tag}' (of the Python tags, D2Sharp reads !!python/tuple and !!python/object/apply:eval)",
                path, sequence.Start);
        _parser.MoveNext();
        var items = new List<object?>();
        while (!_parser.TryConsume<SequenceEnd>(out _))
        {
            object? item = ReadNode(path);
            if (item is YamlMapping)
                throw Error("a list item is a mapping, which a config value cannot hold", path, sequence.Start);
            items.Add(item);
        }
        return tag == PythonEval ? Evaluate(items, path, sequence.Start) : items;
    }

    private object? Evaluate(List<object?> arguments, string path, Mark start)
    {
        if (arguments is not [string expression])
            throw Error("!!python/object/apply:eval takes exactly one argument, the expression string", path, start);
        try
        {
            return PyArithmeticEvaluator.Evaluate(expression);
        }
        catch (PythonExpressionException e)
        {
            throw Error($"cannot evaluate \"{expression}\": {e.Message}", path, start);
        }
    }

    private YamlMapping ReadMapping(MappingStart mapping, string path)
    {
        string tag = mapping.Tag.IsEmpty || mapping.Tag.IsNonSpecific ? "" : mapping.Tag.Value;
        if (tag is not ("" or "tag:yaml.org,2002:map"))
            throw Error($"unsupported YAML tag '{tag}' on a mapping", path, mapping.Start);
        _parser.MoveNext();
        var result = new YamlMapping(new YamlSource(_file, (int)mapping.Start.Line));
        while (!_parser.TryConsume<MappingEnd>(out _))
        {
            Mark keyStart = _parser.Current!.Start;
            string key = ReadNode(path) switch
            {
                string text => text,
                var other => throw Error($"mapping key {ConfigValue.Repr(other)} is not a string", path, keyStart),
            };
            string childPath = path.Length == 0 ? key : path + "." + key;
            result.Set(key, new YamlEntry(ReadNode(childPath), new YamlSource(_file, (int)keyStart.Line)));
        }
        return result;
    }

    private ConfigException Error(string message, string path, Mark at) =>
        new($"{_file}, line {at.Line}{(path.Length == 0 ? "" : $", key '{path}'")}: {message}", path.Length == 0 ? null : path, _file);
}
