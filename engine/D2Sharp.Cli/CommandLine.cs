namespace D2Sharp.Cli;

/// <summary>
/// The parsed arguments of one command: <c>--name value</c> options, boolean flags, positional
/// arguments, and Detectron2-style <c>--opts KEY VALUE …</c> overrides, which run until the next
/// option this command knows (so values such as <c>-1</c> pass through).
/// </summary>
internal sealed class CommandLine
{
    private readonly Dictionary<string, string> _options = [];
    // Every value of every option, in order, for the options that may be given more than once.
    private readonly List<(string Option, string Value)> _values = [];
    private readonly HashSet<string> _flags = [];

    private const string OptsFlag = "--opts";

    public List<string> Positionals { get; } = [];
    public List<string> Opts { get; } = [];

    public static CommandLine Parse(IReadOnlyList<string> args, IReadOnlyCollection<string> valueOptions, IReadOnlyCollection<string>? flags = null)
    {
        flags ??= [];
        var result = new CommandLine();
        for (int i = 0; i < args.Count; i++)
        {
            var a = args[i];
            if (a == OptsFlag)
            {
                // A group runs to the next option this command knows (or the next --opts) and holds KEY VALUE pairs.
                int first = result.Opts.Count;
                while (i + 1 < args.Count && args[i + 1] != OptsFlag && !valueOptions.Contains(args[i + 1]) && !flags.Contains(args[i + 1]))
                    result.Opts.Add(args[++i]);
                if ((result.Opts.Count - first) % 2 != 0)
                    throw new UsageException($"--opts takes KEY VALUE pairs; '{result.Opts[^1]}' has no value");
            }
            else if (valueOptions.Contains(a))
            {
                if (i + 1 >= args.Count) throw new UsageException($"option {a} needs a value");
                result._options[a] = args[++i];
                result._values.Add((a, args[i]));
            }
            else if (flags.Contains(a))
            {
                result._flags.Add(a);
            }
            else if (a.StartsWith("--", StringComparison.Ordinal))
            {
                var known = valueOptions.Concat(flags).Append(OptsFlag).Order();
                throw new UsageException($"unknown option {a}; this command takes: {string.Join(", ", known)}");
            }
            else
            {
                result.Positionals.Add(a);
            }
        }
        return result;
    }

    /// <summary>The option's value; the last one when it was given more than once.</summary>
    public string? Get(string option) => _options.GetValueOrDefault(option);

    /// <summary>Every value of an option that may be repeated (<c>--model a=… --model b=…</c>), in order.</summary>
    public IReadOnlyList<string> GetAll(string option) => _values.Where(v => v.Option == option).Select(v => v.Value).ToList();

    public string Require(string option) =>
        _options.TryGetValue(option, out var v) ? v : throw new UsageException($"missing required option {option}");

    public bool Has(string flag) => _flags.Contains(flag);
}

/// <summary>Wrong command-line usage: printed with the command's help, exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
