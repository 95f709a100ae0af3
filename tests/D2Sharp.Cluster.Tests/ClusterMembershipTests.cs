namespace D2Sharp.Cluster.Tests;

/// <summary>What <c>d2sharp serve --cluster</c> accepts.</summary>
[TestFixture]
public class ClusterMembershipTests
{
    [TestCase("localhost", null, 11111, "localhost:11111")]
    [TestCase("localhost:12000", null, 12000, "localhost:12000")]
    [TestCase("redis://10.0.0.5:6379", "10.0.0.5:6379", 0, "redis://10.0.0.5:6379")]
    [TestCase("redis://cache.internal:6380/", "cache.internal:6380", 0, "redis://cache.internal:6380")]
    public void ParsesEachForm(string text, string? redis, int primaryPort, string written)
    {
        var membership = ClusterMembership.Parse(text);

        Assert.That((membership.Redis, membership.PrimaryPort, membership.ToString()), Is.EqualTo((redis, primaryPort, written)));
    }

    [TestCase("")]
    [TestCase("127.0.0.1")]
    [TestCase("localhost:0")]
    [TestCase("localhost:99999")]
    [TestCase("redis://cache")]
    [TestCase("redis://cache:port")]
    [TestCase("memcached://cache:11211")]
    public void RefusesAnythingElseSayingWhatItTakes(string text)
    {
        var error = Assert.Throws<FormatException>(() => ClusterMembership.Parse(text));

        Assert.That(error.Message, Does.Contain(text));
    }
}
