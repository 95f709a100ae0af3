using System.Runtime.InteropServices;

namespace D2Sharp.Runtime;

/// <summary>
/// Caller-owned destinations for a session's outputs, like ONNX Runtime's IOBinding: bind the
/// outputs you want once, then every <see cref="InferenceSession.RunInto(IReadOnlyList{Imaging.Image}, OutputBuffers)"/>
/// writes them in place (NCHW for features, row-major otherwise) and allocates nothing. Outputs not
/// bound are not copied at all. A destination must hold exactly the output's elements at the
/// run's input size, in its data type (float for float32, long for int64, int for int32, byte for
/// uint8/bool).
/// </summary>
public sealed class OutputBuffers
{
    private readonly List<(string Name, Binding Destination)> _bindings = [];

    /// <summary>Binds (or rebinds) output <paramref name="name"/> to <paramref name="destination"/>.</summary>
    public OutputBuffers Bind<T>(string name, Memory<T> destination) where T : unmanaged
    {
        Unbind(name);
        _bindings.Add((name, new Binding<T>(destination)));
        return this;
    }

    /// <summary>Removes the binding of output <paramref name="name"/>, if any, so runs no longer copy it; returns this instance for chaining.</summary>
    public OutputBuffers Unbind(string name)
    {
        _bindings.RemoveAll(b => b.Name == name);
        return this;
    }

    internal int Count => _bindings.Count;
    internal (string Name, Binding Destination) this[int index] => _bindings[index];

    internal abstract class Binding
    {
        public abstract Span<byte> Bytes { get; }
        public abstract int Length { get; }
        public abstract bool Holds(DataType type);
        public abstract string ElementName { get; }
    }

    private sealed class Binding<T>(Memory<T> memory) : Binding where T : unmanaged
    {
        public override Span<byte> Bytes => MemoryMarshal.AsBytes(memory.Span);
        public override int Length => memory.Length;
        public override bool Holds(DataType type) => type.IsElementOf<T>();
        public override string ElementName => typeof(T).Name;
    }
}
