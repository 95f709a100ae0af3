namespace D2Sharp.Bindings.Tests;

public class CudaInfoTests
{
    [Test]
    public void QueryNeverThrowsAndExplainsWhatIsMissing()
    {
        DriverReport report = null!;
        Assert.DoesNotThrow(() => report = CudaInfo.Query());
        TestContext.Out.WriteLine(report);
        Assert.Multiple(() =>
        {
            foreach (var part in new (bool Available, string? Reason)[]
            {
                (report.DriverLibrary.Available, report.DriverLibrary.Reason), (report.DriverVersion.Available, report.DriverVersion.Reason),
                (report.DeviceCount.Available, report.DeviceCount.Reason), (report.CudnnVersion.Available, report.CudnnVersion.Reason),
                (report.CublasVersion.Available, report.CublasVersion.Reason),
            })
                Assert.That(part.Available || !string.IsNullOrWhiteSpace(part.Reason), "an unavailable part must say why");
            Assert.That(report.ToString(), Does.Contain("CUDA driver").And.Contain("cuDNN").And.Contain("cuBLAS"));
        });
        if (!report.HasDevice)
            Assert.That(report.DeviceCount.Available ? "no devices" : report.DeviceCount.Reason, Is.Not.Empty);
    }

    [Test]
    public void WithoutADeviceTheReasonNamesCuInitsError()
    {
        var report = CudaInfo.Query();
        if (!report.DriverLibrary.Available) Assert.Ignore($"no CUDA driver here: {report.DriverLibrary.Reason}");
        if (report.DeviceCount.Available) Assert.Ignore($"cuInit succeeded ({report.DeviceCount.Value} devices)");
        Assert.That(report.DeviceCount.Reason, Does.Contain("cuInit failed: CUDA_ERROR_"));
    }
}
