using D2Sharp.Backends.Cuda;

namespace D2Sharp.Tests.CudaKernels;

/// <summary>slot_rows.cu: the rows of each image's slots from its count on are zeroed, the others untouched (counts past the slots or below 0 clamped, as SlotRows).</summary>
[TestFixture]
public class SlotRowsKernelTests
{
    [Test]
    public void ZeroesTheRowsOfTheUnusedSlotsOnly()
    {
        const int images = 3, slots = 5, row = 7;
        int[] counts = [2, 9, -1];
        var values = Enumerable.Range(1, images * slots * row).Select(i => (float)i).ToArray();
        using var y = HostBuffer.Of<float>(values);
        using var countBuffer = HostBuffer.Of<int>(counts);
        var p = new ZeroSlotsParams { Y = y.Address, Counts = countBuffer.Address, RowElements = row, Images = images, Slots = slots };
        HostKernels.Launch("d2_zero_unused_slots", LaunchShapes.ZeroUnusedSlots(images, slots, row), p);
        var expected = values.Select((v, i) => i / row % slots < Math.Clamp(counts[i / row / slots], 0, slots) ? v : 0f).ToArray();
        KernelAssert.Exact(y.ToFloats(), expected, "zeroed slots");
    }
}
