using D2Sharp.Graph;

namespace D2Sharp.Tests.Graph;

[TestFixture]
public class GraphPrinterTests
{
    [TestCase(999L, "999")]
    [TestCase(1_500L, "1.50K")]
    [TestCase(143_530_000_000L, "143.53G")]
    [TestCase(28_705_259_520_000L, "28.71T")]
    public void CountsUseTheLargestUnitBelowThem(long count, string text) =>
        Assert.That(GraphPrinter.FormatCount(count), Is.EqualTo(text));
}
