using D2Sharp.Config.Python;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace D2Sharp.Config.Yaml;

/// <summary>
/// Reads one YAML file into plain values as Detectron2 does (<c>yaml.safe_load</c>, retried with
/// <c>yaml.unsafe_load</c> for Python tags): PyYAML's scalar typing, anchors and aliases, and of the
/// Python tags only <c>!!python/tuple</c> and <c>!!python/object/apply:eval</c>, whose expression
/// goes to the restricted <see cref="PyArithmeticEvaluator"/>. Errors name the file, line and key.
/// The file is untrusted: its nesting is bounded by <see cref="ConfigLoadOptions.MaxDepth"/>, and its
/// nodes, each alias counted as the whole value it repeats, by <see cref="ConfigLoadOptions.MaxNodes"/>:
/// aliases are read as shared references, but merging, copying and printing expand them. A key
/// written twice keeps its last value, as PyYAML, with a warning (an error when strict).
/// </summary>
internal sealed class YamlFileReader
{
    private const string PythonTuple = "tag:yaml.org,2002:python/tuple";
    private const string PythonEval = "tag:yaml.org,2002:python/object/apply:eval";

    private readonly IParser _parser;
    private readonly string _file;
    private readonly ConfigLoadBudget _budget;
    private readonly Dictionary<string, Anchored> _anchors = new(StringComparer.Ordinal);

    /// <summary>An anchored value and the nodes it counts for wherever an alias repeats it.</summary>
    private readonly record struct Anchored(object? Value, long Nodes);

    private YamlFileReader(IParser parser, string file, ConfigLoadBudget budget)
    {
        _parser = parser;
        _file = file;
        _budget = budget;
    }

    /// <summary>
    /// The document of <paramref name="path"/>: usually a <see cref="YamlMapping"/>; null when empty.
    /// Read within <paramref name="budget"/>, the load's limits (by default <see cref="ConfigLoadOptions.Default"/>'s).
    /// </summary>
    public static object? ReadFile(string path, ConfigLoadBudget? budget = null)
    {
        budget ??= new ConfigLoadBudget(ConfigLoadOptions.Default);
        return ReadText(ConfigFileText.Read(path, budget), path, budget);
    }

    /// <summary>
    /// Parses YAML text; <paramref name="file"/> is used in messages and sources, <paramref name="budget"/>
    /// holds the load's limits (by default <see cref="ConfigLoadOptions.Default"/>'s).
    /// </summary>
    public static object? ReadText(string text, string file, ConfigLoadBudget? budget = null)
    {
        var reader = new YamlFileReader(new Parser(new StringReader(text)), file, budget ?? new ConfigLoadBudget(ConfigLoadOptions.Default));
        try
        {
            return reader.ReadStream();
        }
        catch (YamlException e)
        {
            throw YamlSyntaxError.Describe(e, text, file);
        }
        catch (InvalidOperationException e)
        {
            // YamlDotNet's scanner fails this way on some malformed plain scalars (found by fuzzing).
            throw new ConfigException($"Invalid YAML in '{file}': the YAML parser could not read it ({e.Message})", file: file, inner: e);
        }
    }

    private object? ReadStream()
    {
        _parser.Consume<StreamStart>();
        if (_parser.TryConsume<StreamEnd>(out _)) return null;
        _parser.Consume<DocumentStart>();
        object? root = ReadNode(path: "", depth: 0);
        _parser.Consume<DocumentEnd>();
        if (!_parser.Accept<StreamEnd>(out _))
            throw new ConfigException($"'{_file}' holds more than one YAML document; a config file holds one.", file: _file);
        return root;
    }

    /// <summary>The node at the parser's position, which <paramref name="depth"/> lists and mappings enclose.</summary>
    private object? ReadNode(string path, int depth)
    {
        ParsingEvent next = _parser.Current ?? throw new ConfigException($"Unexpected end of YAML in '{_file}'.", file: _file);
        if (next is AnchorAlias alias)
        {
            _parser.MoveNext();
            if (!_anchors.TryGetValue(alias.Value.Value, out Anchored target))
                throw Error($"unknown alias '*{alias.Value}'", path, alias.Start);
            if (!_budget.TryChargeNodes(target.Nodes))
                throw NodeBudgetExceeded($"the alias '*{alias.Value}' repeats {ConfigLoadBudget.Count(target.Nodes)} nodes, which takes", path, alias.Start);
            return target.Value;
        }
        var node = (NodeEvent)next;
        if (node is SequenceStart or MappingStart && depth == _budget.Options.MaxDepth)
            throw Error($"lists and mappings nest more than {_budget.Options.MaxDepth} deep (ConfigLoadOptions.MaxDepth)", path, node.Start);
        if (!_budget.TryChargeNodes(1)) throw NodeBudgetExceeded("this node takes", path, node.Start);
        long nodesBefore = _budget.NodesRead - 1;
        object? value = node switch
        {
            Scalar scalar => ReadScalar(scalar, path),
            SequenceStart sequence => ReadSequence(sequence, path, depth + 1),
            MappingStart mapping => ReadMapping(mapping, path, depth + 1),
            _ => throw Error($"unexpected YAML event {next}", path, next.Start),
        };
        if (!node.Anchor.IsEmpty) _anchors[node.Anchor.Value] = new Anchored(value, _budget.NodesRead - nodesBefore);
        return value;
    }

    private ConfigException NodeBudgetExceeded(string what, string path, Mark at) =>
        Error($"{what} the config past {ConfigLoadBudget.Count(_budget.Options.MaxNodes)} YAML nodes (ConfigLoadOptions.MaxNodes, " +
              "aliases counted as the nodes they repeat); a config this large is most likely an alias bomb", path, at);

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

    private object? ReadSequence(SequenceStart sequence, string path, int depth)
    {
        string tag = sequence.Tag.IsEmpty || sequence.Tag.IsNonSpecific ? "" : sequence.Tag.Value;
        if (tag is not ("" or "tag:yaml.org,2002:seq" or PythonTuple or PythonEval))
            throw Error($"unsupported YAML tag '{tag}' (of the Python tags, D2Sharp reads !!python/tuple and !!python/object/apply:eval)",
                path, sequence.Start);
        _parser.MoveNext();
        var items = new List<object?>();
        while (!_parser.TryConsume<SequenceEnd>(out _))
        {
            object? item = ReadNode(path, depth);
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

    private YamlMapping ReadMapping(MappingStart mapping, string path, int depth)
    {
        string tag = mapping.Tag.IsEmpty || mapping.Tag.IsNonSpecific ? "" : mapping.Tag.Value;
        if (tag is not ("" or "tag:yaml.org,2002:map"))
            throw Error($"unsupported YAML tag '{tag}' on a mapping", path, mapping.Start);
        _parser.MoveNext();
        var result = new YamlMapping(new YamlSource(_file, (int)mapping.Start.Line));
        while (!_parser.TryConsume<MappingEnd>(out _))
        {
            Mark keyStart = _parser.Current!.Start;
            string key = ReadNode(path, depth) switch
            {
                string text => text,
                var other => throw Error($"mapping key {ConfigValue.Repr(other)} is not a string", path, keyStart),
            };
            string childPath = path.Length == 0 ? key : path + "." + key;
            var source = new YamlSource(_file, (int)keyStart.Line);
            if (result.TryGetValue(key, out YamlEntry earlier)) WarnRepeatedKey(childPath, earlier.Source.Line, source.Line);
            result.Set(key, new YamlEntry(ReadNode(childPath, depth), source));
        }
        return result;
    }

    /// <summary>PyYAML keeps a repeated key's last value without a word; the first one is most likely a forgotten edit.</summary>
    private void WarnRepeatedKey(string key, int firstLine, int line) =>
        _budget.Warn(
            new ConfigWarning(
                D2SharpException.Sanitize(
                    $"{_file}, line {line}: key '{key}' is written twice in one mapping (lines {firstLine} and {line}); " +
                    "the later value is used, as in Detectron2.", keepLineBreaks: false),
                _file, line, key),
            strictRefusal: "Strict loading (ConfigLoadOptions.Strict) refuses a repeated key.");

    private ConfigException Error(string message, string path, Mark at) =>
        new($"{_file}, line {at.Line}{(path.Length == 0 ? "" : $", key '{path}'")}: {message}", path.Length == 0 ? null : path, _file);
}
