using System.Runtime.InteropServices;
using D2Sharp.Graph;

namespace D2Sharp.Backends;

/// <summary>Typed, by-name access to an executor's inputs and outputs.</summary>
public static class PlanExecutorExtensions
{
    /// <summary>Writes <paramref name="data"/> into the plan input named <paramref name="name"/>, in its logical layout (NCHW for feature maps).</summary>
    /// <exception cref="KeyNotFoundException">The plan has no input of that name.</exception>
    /// <exception cref="ArgumentException"><typeparamref name="T"/> does not hold the input's data type, or the span's length is not the input's element count at this plan's shape.</exception>
    public static void SetInput<T>(this IPlanExecutor executor, string name, ReadOnlySpan<T> data) where T : unmanaged
    {
        int index = executor.Plan.InputIndex(name);
        CheckSpan<T>(executor.Plan, executor.Plan.Inputs[index], data.Length, "input");
        executor.SetInput(index, MemoryMarshal.AsBytes(data));
    }

    /// <summary>Writes a boundary tensor (NCHW for feature maps) into the input of the same name.</summary>
    public static void SetInput(this IPlanExecutor executor, string name, Tensor tensor)
    {
        int index = executor.Plan.InputIndex(name);
        var value = executor.Plan.Inputs[index];
        CheckTensor(executor.Plan, value, tensor, "input");
        executor.SetInput(index, tensor.Bytes);
    }

    /// <summary>Copies the last run's output named <paramref name="name"/> into <paramref name="destination"/>, in its logical layout (NCHW for feature maps).</summary>
    /// <exception cref="KeyNotFoundException">The plan has no output of that name.</exception>
    /// <exception cref="ArgumentException"><typeparamref name="T"/> does not hold the output's data type, or the span's length is not the output's element count at this plan's shape.</exception>
    public static void GetOutput<T>(this IPlanExecutor executor, string name, Span<T> destination) where T : unmanaged
    {
        int index = executor.Plan.OutputIndex(name);
        CheckSpan<T>(executor.Plan, executor.Plan.Outputs[index].Value, destination.Length, $"output '{name}'");
        executor.GetOutput(index, MemoryMarshal.AsBytes(destination));
    }

    /// <summary>A new tensor holding the named output of the last run.</summary>
    public static Tensor GetOutput(this IPlanExecutor executor, string name)
    {
        int index = executor.Plan.OutputIndex(name);
        var value = executor.Plan.Outputs[index].Value;
        var tensor = Tensor.Zeros(value.Type, executor.Plan.ShapeOf(value));
        executor.GetOutput(index, tensor.Bytes);
        return tensor;
    }

    internal static void CheckTensor(ExecutionPlan plan, Value value, Tensor tensor, string what)
    {
        var shape = plan.ShapeOf(value);
        if (tensor.Type != value.Type || !tensor.Shape.SequenceEqual(shape))
            throw new ArgumentException(
                $"{what} '{value.Name}' is {value.Type.Name()} {Tensor.ShapeString(shape)} in this plan, got {tensor.Type.Name()} {Tensor.ShapeString(tensor.Shape)}");
    }

    internal static void CheckSpan<T>(ExecutionPlan plan, Value value, int length, string what) where T : unmanaged
    {
        var shape = plan.ShapeOf(value);
        if (!value.Type.IsElementOf<T>())
            throw new ArgumentException($"{what} '{value.Name}' is {value.Type.Name()}; a span of {typeof(T).Name} cannot hold it");
        if (length != Tensor.CountElements(shape))
            throw new ArgumentException($"{what} '{value.Name}' is {Tensor.ShapeString(shape)} ({Tensor.CountElements(shape)} elements), the span holds {length}");
    }
}
