using Razorvine.Pickle;

namespace D2Sharp.Weights;

/// <summary>
/// A <c>numpy.ndarray</c> as unpickled: <c>_reconstruct</c> makes an empty one and BUILD hands it
/// numpy's state tuple <c>(version, shape, dtype, is_fortran, data)</c>. Kept raw here; the
/// loader decodes it with <see cref="NumpyArrayDecoder"/>, where it knows the entry's name.
/// </summary>
internal sealed class PickledNumpyArray
{
    public object[]? State { get; private set; }

    /// <summary>Called by Razorvine.Pickle for BUILD (it looks the method up by name).</summary>
    public void __setstate__(object[] state) => State = state;

    /// <summary>An array whose state came with its constructor (protocol 5's <c>_frombuffer</c>).</summary>
    public static PickledNumpyArray FromState(object[] state) => new() { State = state };
}

/// <summary>
/// A <c>numpy.dtype</c> as unpickled: the constructor's descriptor (<c>"f4"</c>) and, after BUILD,
/// numpy's state tuple <c>(version, byteorder, subarray, names, fields, elsize, alignment, flags[, metadata])</c>.
/// </summary>
internal sealed class PickledNumpyDType(string descriptor)
{
    public string Descriptor { get; } = descriptor;
    public object[]? State { get; private set; }

    /// <summary>Called by Razorvine.Pickle for BUILD.</summary>
    public void __setstate__(object[] state) => State = state;
}

/// <summary><c>numpy.core.multiarray._reconstruct(numpy.ndarray, (0,), b'b')</c>: an empty array awaiting its state.</summary>
internal sealed class NumpyReconstructConstructor : IObjectConstructor
{
    public object construct(object[] args)
    {
        if (args.Length != 3 || args[0] is not NumpyNdarrayType)
            throw new PickleException("numpy _reconstruct expects (numpy.ndarray, shape, dtype); other array subclasses are not supported");
        return new PickledNumpyArray();
    }
}

/// <summary><c>numpy.dtype(descriptor, align, copy)</c>.</summary>
internal sealed class NumpyDTypeConstructor : IObjectConstructor
{
    public object construct(object[] args)
    {
        if (args.Length is < 1 or > 3 || args[0] is not string descriptor)
            throw new PickleException("numpy.dtype expects a descriptor string such as 'f4'");
        return new PickledNumpyDType(descriptor);
    }
}

/// <summary>
/// Stands for the class <c>numpy.ndarray</c>, which a checkpoint only passes to <c>_reconstruct</c>;
/// calling it is refused by the opcode scan, and refused here again.
/// </summary>
internal sealed class NumpyNdarrayType : IObjectConstructor
{
    public object construct(object[] args) =>
        throw new PickleException("numpy.ndarray cannot be constructed directly from a checkpoint");
}

/// <summary>
/// <c>numpy.core.numeric._frombuffer(buffer, dtype, shape, order)</c>: how numpy pickles a contiguous
/// array with protocol 5, its data an in-band buffer (BYTEARRAY8, or bytes). The same state a
/// protocol 2–4 array gets from BUILD is assembled here, so one decoder reads both.
/// </summary>
internal sealed class NumpyFromBufferConstructor : IObjectConstructor
{
    public object construct(object[] args)
    {
        if (args.Length != 4 || args[0] is not byte[] data || args[1] is not PickledNumpyDType dtype || args[2] is not object[] shape
            || args[3] is not ("C" or "F"))
            throw new PickleException("numpy _frombuffer expects (buffer, numpy.dtype, shape tuple, 'C' or 'F')");
        // numpy's own reduction always passes version 1 and keeps dtype and shape as pickled.
        return PickledNumpyArray.FromState([1, shape, dtype, (string)args[3] == "F", data]);
    }
}

/// <summary>
/// <c>collections.OrderedDict</c>: Python 3 reduces it to <c>OrderedDict()</c> plus SETITEMS,
/// Python 2 to <c>OrderedDict([[key, value], …])</c>. Either way a plain Hashtable, like any dict
/// Razorvine.Pickle returns; order does not matter to Detectron2's matching, which sorts keys.
/// </summary>
internal sealed class OrderedDictConstructor : IObjectConstructor
{
    public object construct(object[] args)
    {
        var dict = new PickledOrderedDict();
        if (args.Length == 0) return dict;
        if (args.Length != 1 || args[0] is not System.Collections.IList items)
            throw new PickleException("OrderedDict expects no arguments or one list of [key, value] pairs");
        foreach (var item in items)
        {
            if (item is not System.Collections.IList { Count: 2 } pair || pair[0] is null)
                throw new PickleException("OrderedDict item is not a [key, value] pair");
            dict[pair[0]!] = pair[1];
        }
        return dict;
    }
}

/// <summary>
/// A state dict as <c>Module.state_dict()</c> returns it: an OrderedDict whose instance attributes
/// (<c>_metadata</c>: each module's version) arrive through BUILD. They describe how PyTorch modules
/// upgrade old checkpoints, not weights, so they are dropped.
/// </summary>
internal sealed class PickledOrderedDict : System.Collections.Hashtable
{
    /// <summary>Called by Razorvine.Pickle for BUILD with the instance's <c>__dict__</c>.</summary>
    public void __setstate__(System.Collections.Hashtable attributes) { }
}
