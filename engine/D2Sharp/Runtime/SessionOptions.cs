using D2Sharp.Config;
using D2Sharp.Modeling;
using Microsoft.Extensions.Logging;

namespace D2Sharp.Runtime;

/// <summary>How <see cref="InferenceSession.Load(string, IReadOnlyList{string}?, string?, SessionOptions?)"/> builds and runs a model.</summary>
public sealed record SessionOptions
{
    /// <summary><c>cpu</c> (default, the SIMD backend), <c>reference</c>, <c>cuda[:N]</c> or <c>auto</c>; see <see cref="Backends.BackendFactory.Devices"/>.</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>The CUDA backend's convolution arithmetic (fp32 unless tf32 is asked for); other devices take only fp32.</summary>
    public Backends.Cuda.CudaPrecision Precision { get; init; }

    /// <summary>Worker threads, the calling thread included; 0 means one per processor.</summary>
    public int Threads { get; init; }

    /// <summary>
    /// How much of the meta-architecture to build. Null (default): as much as the checkpoint holds
    /// weights for, as deep as D2Sharp builds the config's model (<see cref="ModelBuilder.DeepestScope"/>)
    /// — a model-zoo checkpoint gives detections, a backbone-only one the features — and
    /// <see cref="ModelScope.Backbone"/> without a checkpoint.
    /// </summary>
    public ModelScope? Scope { get; init; }

    /// <summary>
    /// False (default): a float input (<see cref="InferenceSession.RunNormalized"/>) holding NaN or
    /// ±infinity is refused with a <see cref="NonFiniteInputException"/> naming the input and the
    /// first bad element, before anything runs. True: such values propagate into the outputs, as in
    /// PyTorch, and the check is skipped. Sets <see cref="InferenceSession.AllowNonFiniteInputs"/>.
    /// </summary>
    public bool AllowNonFiniteInputs { get; init; }

    /// <summary>
    /// How the config file is read: its limits, strictness and warnings; null reads with the default
    /// limits. Config warnings go to <see cref="ConfigLoadOptions.OnWarning"/> when it is set, else to <see cref="Logger"/>.
    /// </summary>
    public ConfigLoadOptions? ConfigOptions { get; init; }

    /// <summary>
    /// Where the session logs (loading, checkpoint keys the model does not use, config warnings,
    /// plans made and released); null: nowhere. The library never writes to the console.
    /// </summary>
    public ILogger? Logger { get; init; }

    /// <summary>
    /// The most bytes the session's activation arena may take (null: what the machine or GPU
    /// holds). An input whose plan needs more is refused with a <see cref="Memory.MemoryLimitException"/>;
    /// the session goes on running smaller inputs. Sets <see cref="InferenceSession.ArenaLimit"/>.
    /// </summary>
    public long? MaxArenaBytes { get; init; }
}
