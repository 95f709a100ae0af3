namespace D2Sharp.Tests;

/// <summary>The set-matching rule itself: it must fail on a missing, extra or misordered box, and allow near-ties.</summary>
[TestFixture]
public class DetectionSetsTests
{
    private static readonly float[] Boxes = [0, 0, 10, 10, 20, 20, 40, 30, 5, 50, 25, 90];
    private static readonly float[] Scores = [3f, 2f, 1f];

    [Test]
    public void TheSameSetWithFloatNoisePasses()
    {
        var noisy = Boxes.Select(v => v + 1e-4f).ToArray();
        var r = DetectionSets.Match(Boxes, Scores, null, noisy, Scores.Select(s => s - 1e-4f).ToArray(), null);
        Assert.That(r.Passed, r.ToString());
        Assert.That(r.Match, Is.EqualTo(new[] { 0, 1, 2 }));
    }

    [Test]
    public void AMissingBoxAndAnExtraOneFail()
    {
        var moved = (float[])Boxes.Clone();
        moved[4] += 3; // box 1 shifted by 3 px: beyond the box tolerance of 0.09
        var r = DetectionSets.Match(Boxes, Scores, null, moved, Scores, null);
        Assert.That(r.Passed, Is.False);
        Assert.That(r.Missing, Is.EqualTo(new[] { 1 }));
        Assert.That(r.Extra, Is.EqualTo(new[] { 1 }));
    }

    [Test]
    public void SwappedOrderFailsUnlessTheScoresNearlyTie()
    {
        float[] swapped = [.. Boxes[4..8], .. Boxes[0..4], .. Boxes[8..]];
        var r = DetectionSets.Match(Boxes, Scores, null, swapped, [2f, 3f, 1f], null);
        Assert.That(r.BadInversions, Is.EqualTo(new[] { (0, 1) }));

        float[] tied = [3f, 2.9995f, 1f];
        var near = DetectionSets.Match(Boxes, tied, null, swapped, [2.9995f, 3f, 1f], null);
        Assert.That(near.Passed, near.ToString());
    }

    [Test]
    public void ClassesMustAgree()
    {
        var r = DetectionSets.Match(Boxes, Scores, [1, 2, 3], Boxes, Scores, [1, 2, 4]);
        Assert.That(r.Missing, Is.EqualTo(new[] { 2 }));
    }
}
