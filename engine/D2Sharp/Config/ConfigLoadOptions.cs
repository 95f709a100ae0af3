namespace D2Sharp.Config;

/// <summary>
/// How <see cref="ConfigLoader"/> reads YAML files, which it treats as untrusted input: the limits
/// that keep a hostile file (an alias bomb, a huge or deeply nested document, a <c>_BASE_</c> chain
/// leaving its folder) to a <see cref="ConfigException"/> in bounded time and memory, whether
/// suspicious but valid YAML is refused or reported, and where reports go.
/// </summary>
/// <example>
/// <code>
/// var options = new ConfigLoadOptions
/// {
///     AllowedRoot = "/srv/configs",
///     OnWarning = warning => logger.LogWarning("{Config}", warning.Message),
/// };
/// CfgNode cfg = ConfigLoader.Load("/srv/configs/mask_rcnn.yaml", opts: null, options);
/// </code>
/// </example>
public sealed record ConfigLoadOptions
{
    /// <summary>The options <see cref="ConfigLoader.Load(string, IReadOnlyList{string}?)"/> uses: lenient, no root, the default limits.</summary>
    public static ConfigLoadOptions Default { get; } = new();

    /// <summary>
    /// Refuse what is otherwise only a warning (a key written twice in one mapping, which PyYAML
    /// and so Detectron2 accept, keeping the last value). Default false, as Detectron2.
    /// </summary>
    public bool Strict { get; init; }

    /// <summary>
    /// When set, every file a load reads (the config and each file of its <c>_BASE_</c> chain) must
    /// lie inside this folder once symbolic links are resolved; a file outside it is refused
    /// without being opened, and the message names the chain. A relative path is taken from the
    /// current directory. Default null: any file may be read.
    /// </summary>
    public string? AllowedRoot { get; init; }

    /// <summary>
    /// The most bytes one load reads: the config and its <c>_BASE_</c> files together (a base named
    /// twice counts twice), checked against each file's size before it is read. Default 16 MiB;
    /// Detectron2's largest model-zoo config is under 2 KB.
    /// </summary>
    public long MaxBytes { get; init; } = 16L << 20;

    /// <summary>
    /// The deepest nesting allowed: of lists and mappings inside one YAML document, and of files in
    /// a <c>_BASE_</c> chain. Bounds the recursion that reads, merges and copies a config. Default 64;
    /// a Detectron2 config nests 4 deep.
    /// </summary>
    public int MaxDepth { get; init; } = 64;

    /// <summary>
    /// The most YAML nodes (scalars, lists, mappings, mapping keys) one load reads over the config
    /// and its <c>_BASE_</c> files, an alias counting as the whole value it repeats: a "billion
    /// laughs" file of nested aliases is a few hundred bytes but would expand to billions of nodes
    /// when the config is copied, merged or printed. Default 100,000; the fully resolved Detectron2
    /// config has about 1,000.
    /// </summary>
    public long MaxNodes { get; init; } = 100_000;

    /// <summary>
    /// Receives each warning (see <see cref="ConfigWarning"/>) as it is found, when not
    /// <see cref="Strict"/>. D2Sharp never writes to the console: without a handler (the default)
    /// warnings are dropped. A command-line tool would print them to standard error; a service
    /// would log them.
    /// </summary>
    public Action<ConfigWarning>? OnWarning { get; init; }
}
