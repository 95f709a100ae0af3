using Razorvine.Pickle;

namespace D2Sharp.Weights;

/// <summary>
/// Unpickles the <c>data.pkl</c> of a PyTorch zip checkpoint: each persistent id
/// <c>('storage', torch.&lt;Type&gt;Storage, key, location, numel)</c> becomes a
/// <see cref="TorchStorageReference"/> (the opcode scan has already checked its shape).
/// </summary>
internal sealed class TorchZipUnpickler : Unpickler
{
    protected override object persistentLoad(object pid)
    {
        if (pid is not object[] { Length: 5 } parts || parts[0] is not "storage" || parts[1] is not TorchStorageTypeMarker type
            || parts[2] is not string key || parts[3] is not string)
            throw new PickleException("a persistent id is not ('storage', torch.<Type>Storage, key, location, numel)");
        long numel = parts[4] switch
        {
            int i => i,
            long l => l,
            _ => -1,
        };
        if (numel < 0) throw new PickleException($"storage '{key}' has no valid element count");
        // The location ('cpu', 'cuda:0') only says where torch would put the storage; it is read to the CPU here.
        return new TorchStorageReference(type.Type, key, numel);
    }
}
