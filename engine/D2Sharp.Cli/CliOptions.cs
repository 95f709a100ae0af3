using System.CommandLine;
using System.CommandLine.Parsing;
using D2Sharp.Modeling;

namespace D2Sharp.Cli;

/// <summary>
/// The options the commands share, and the ways an option is built. A value option may be given
/// more than once and its last value wins, so that the command line can override a response file.
/// </summary>
internal static class CliOptions
{
    /// <summary>A value option read by <paramref name="parse"/> (which throws <see cref="UsageException"/> for a bad value).</summary>
    public static Option<T> Value<T>(string name, string valueName, string description, Func<string, string, T> parse)
    {
        return new Option<T>(name)
        {
            HelpName = valueName,
            Description = description,
            // One value per occurrence, any number of occurrences: the last one wins.
            Arity = ArgumentArity.OneOrMore,
            CustomParser = result => Parse(result, name, parse),
        };
    }

    private static T Parse<T>(ArgumentResult result, string name, Func<string, string, T> parse)
    {
        try
        {
            return parse(result.Tokens[^1].Value, name);
        }
        catch (UsageException e)
        {
            result.AddError(e.Message);
            return default!;
        }
    }

    public static Option<string> Text(string name, string valueName, string description, bool required = false)
    {
        var option = Value(name, valueName, description, (text, _) => text);
        option.Required = required;
        return option;
    }

    /// <summary>A positive integer with a default, which the help shows.</summary>
    public static Option<int> Positive(string name, string valueName, string description, int defaultValue)
    {
        var option = Value(name, valueName, description, OptionValues.Positive);
        option.DefaultValueFactory = _ => defaultValue;
        return option;
    }

    /// <summary>A positive integer whose default depends on other options: null when not given.</summary>
    public static Option<int?> OptionalPositive(string name, string valueName, string description) =>
        Value<int?>(name, valueName, description, (text, option) => OptionValues.Positive(text, option));

    /// <summary>One of a few words, offered by tab completion.</summary>
    public static Option<string> Choice(string name, string description, string defaultValue, params string[] choices)
    {
        var option = Value(name, string.Join('|', choices), description, (text, o) => OptionValues.Choice(text, o, choices));
        option.DefaultValueFactory = _ => defaultValue;
        option.CompletionSources.Add(choices);
        return option;
    }

    public static Option<bool> Flag(string name, string description) => new(name) { Description = description, Arity = ArgumentArity.Zero };

    public static Option<string> Config() => Text("--config", "F", "a Detectron2 YAML config (its _BASE_ chain is followed)", required: true);

    public static Option<string> Weights(string description =
        "a Detectron2 .pkl checkpoint (model zoo, Caffe2/MSRA or torchvision-converted) or a PyTorch .pth; " +
        "without it, the config's MODEL.WEIGHTS when set (a local file: D2Sharp downloads nothing), else weights initialised deterministically") =>
        Text("--weights", "F", description);

    public static Option<string> Device(string description =
        "cpu (the SIMD backend), reference (the plain kernels every backend is checked against), cuda[:N] (GPU N; ops without a CUDA " +
        "kernel run on the CPU) or auto (cuda when it can run here, else cpu); default: the config's MODEL.DEVICE, Detectron2's \"cuda\" read as auto") =>
        Text("--device", "D", description);

    public static Option<string> Precision() => Text("--precision", "P", "cuda only: fp32 (default) or tf32 (tensor-core convolutions)");

    public static Option<int?> Threads(string description = "worker threads (default: one per processor)") =>
        OptionalPositive("--threads", "T", description);

    public static Option<int> Batch(string description = "images per run") => Positive("--batch", "N", description, 1);

    /// <summary><c>--scope</c> without a default (null when not given): each command says what it chooses then.</summary>
    public static Option<ModelScope?> Scope(string description)
    {
        var option = Value<ModelScope?>("--scope", "backbone|rpn|detections", description, (text, o) => OptionValues.Scope(text, o));
        option.CompletionSources.Add("backbone", "rpn", "detections");
        return option;
    }

    public static Option<(int Height, int Width)?> Size(string description, bool required)
    {
        var option = Value<(int, int)?>("--size", "HxW", description, (text, o) => OptionValues.Size(text, o));
        option.Required = required;
        return option;
    }

    public static Option<float> MinScore(string description)
    {
        var option = Value("--min-score", "S", description + " (as Detectron2's demo.py --confidence-threshold)", OptionValues.Score);
        option.DefaultValueFactory = _ => 0.5f;
        return option;
    }

    public static Option<string> Format(string description) => Choice("--format", description, "text", "text", "json");

    public static Option<bool> Strict() => Flag("--strict", "refuse what is otherwise a warning in the config (a key written twice in one mapping)");
}
