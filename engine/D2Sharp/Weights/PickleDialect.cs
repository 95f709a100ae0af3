namespace D2Sharp.Weights;

/// <summary>Which kind of checkpoint a pickle comes from; it decides which globals and persistent ids it may use.</summary>
internal enum PickleDialect
{
    /// <summary>A <c>.pkl</c> of numpy arrays (Detectron2 model zoo, Caffe2/MSRA): no persistent ids, no torch globals.</summary>
    Numpy,

    /// <summary>
    /// The <c>data.pkl</c> of a PyTorch zip checkpoint: the numpy globals plus <c>torch._utils._rebuild_tensor_v2</c>,
    /// torch storage types as references, and persistent ids naming a storage of the archive.
    /// </summary>
    TorchZip,
}
