using D2Sharp.Runtime;

namespace D2Sharp.Serving;

/// <summary>
/// One model a server holds: the name requests call it by, and the files it is loaded (and
/// reloaded) from.
/// </summary>
/// <param name="Name">The name in requests (<c>DetectRequest.model</c>) and in the HTTP paths.</param>
/// <param name="ConfigPath">A Detectron2 YAML config.</param>
/// <param name="WeightsPath">A <c>.pkl</c> or <c>.pth</c> checkpoint; null: weights initialised deterministically.</param>
/// <param name="Opts">Config overrides, as Detectron2's <c>merge_from_list</c>.</param>
/// <param name="Session">How the session is built; null: <see cref="DefaultSession"/>. Its logger is replaced by the server's.</param>
public sealed record ModelSource(string Name, string ConfigPath, string? WeightsPath = null, IReadOnlyList<string>? Opts = null,
    SessionOptions? Session = null)
{
    /// <summary>
    /// A served model computes the instances by default, whatever its checkpoint holds: a checkpoint
    /// without the heads fails at start rather than serving a smaller model than the client asks for.
    /// </summary>
    public static SessionOptions DefaultSession { get; } = new() { Scope = Modeling.ModelScope.Detections };
}
