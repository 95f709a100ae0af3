namespace D2Sharp.IO;

/// <summary>numpy's two memory orders: C (row-major, last index fastest) and Fortran (column-major, first index fastest).</summary>
internal static class NpyMemoryOrder
{
    /// <summary>
    /// Reorders column-major values to row-major: walks the output in C order with an odometer over
    /// the indices and reads the source at the column-major offset (strides 1, d0, d0·d1, ...).
    /// </summary>
    public static float[] FortranToC(float[] fortran, int[] shape)
    {
        var result = new float[fortran.Length];
        if (result.Length == 0) return result;
        int rank = shape.Length;
        var strides = new long[rank];
        long stride = 1;
        for (int axis = 0; axis < rank; axis++)
        {
            strides[axis] = stride;
            stride *= shape[axis];
        }
        var index = new int[rank];
        long source = 0;
        for (long i = 0; i < result.LongLength; i++)
        {
            result[i] = fortran[source];
            for (int axis = rank - 1; axis >= 0; axis--)
            {
                index[axis]++;
                source += strides[axis];
                if (index[axis] < shape[axis]) break;
                source -= strides[axis] * shape[axis];
                index[axis] = 0;
            }
        }
        return result;
    }
}
