using System.Diagnostics;
using System.Text.Json;
using D2Sharp.Imaging;
using D2Sharp.Runtime;
using Spectre.Console;

namespace D2Sharp.Cli.Commands;

/// <summary>
/// <c>d2sharp run --input FOLDER</c>: every .png/.jpg/.jpeg of a folder in name order, in batches
/// of <c>--batch</c> images (one padded run each, as Detectron2's <c>ImageList</c> pads them). On a
/// terminal a progress bar and, at the end, a table of where the time went; otherwise a line per
/// image and the same summary as text; with <c>--format json</c> one JSON document on stdout and
/// nothing else. Image ids for COCO results come from the file names when all are numbers
/// (COCO's 000000397133.jpg), else 1, 2, … in name order.
/// </summary>
internal sealed class FolderRun(InferenceSession session, int batch, bool json, TextWriter output)
{
    private sealed record ImageRun(string File, long ImageId, int Height, int Width, Instances? Instances, double DecodeMs, double BackendMs, double RunMs);

    public IReadOnlyList<(long ImageId, Instances Instances)> Run(string folder)
    {
        var files = Directory.EnumerateFiles(folder)
            .Where(f => Path.GetExtension(f).ToLowerInvariant() is ".png" or ".jpg" or ".jpeg").Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0) throw new D2SharpException($"{folder}: no .png, .jpg or .jpeg image in the folder");
        bool numbered = files.All(f => long.TryParse(Path.GetFileNameWithoutExtension(f), out long id) && id >= 0);
        long IdOf(int index) => numbered ? long.Parse(Path.GetFileNameWithoutExtension(files[index])) : index + 1;

        var runs = new List<ImageRun>();
        var watch = Stopwatch.StartNew();
        bool terminal = !json && ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
        if (terminal)
        {
            AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .Start(context =>
                {
                    var task = context.AddTask($"{files.Count} images", maxValue: files.Count);
                    for (int first = 0; first < files.Count; first += batch)
                    {
                        runs.AddRange(RunBatch(files, first, IdOf));
                        task.Value = runs.Count;
                    }
                });
        }
        else
        {
            for (int first = 0; first < files.Count; first += batch)
            {
                runs.AddRange(RunBatch(files, first, IdOf));
                if (json) continue;
                for (int i = first; i < runs.Count; i++)
                    output.WriteLine($"[{i + 1}/{files.Count}] {Path.GetFileName(runs[i].File)} {runs[i].Height}x{runs[i].Width}: " +
                        (runs[i].Instances is { } found ? $"{found.Count} instances, " : "") + $"{runs[i].RunMs:F0} ms");
            }
        }
        watch.Stop();
        if (json) WriteJson(runs, watch.Elapsed);
        else if (terminal) WriteTable(runs, watch.Elapsed);
        else WriteSummary(runs, watch.Elapsed);
        return runs.Where(r => r.Instances != null).Select(r => (r.ImageId, r.Instances!)).ToList();
    }

    /// <summary>Images first … first + batch − 1 decoded, resized and run as one padded batch; the run's time is shared out evenly.</summary>
    private List<ImageRun> RunBatch(List<string> files, int first, Func<int, long> idOf)
    {
        int count = Math.Min(batch, files.Count - first);
        var images = new Image[count];
        var decodeMs = new double[count];
        for (int i = 0; i < count; i++)
        {
            long start = Stopwatch.GetTimestamp();
            images[i] = ImageLoader.Load(files[first + i], session.Model.InputFormat);
            decodeMs[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        long runStart = Stopwatch.GetTimestamp();
        var result = session.Run(images);
        double runMs = Stopwatch.GetElapsedTime(runStart).TotalMilliseconds;
        return Enumerable.Range(0, count).Select(i => new ImageRun(files[first + i], idOf(first + i), images[i].Height, images[i].Width,
            result.Instances?[i], decodeMs[i], result.Elapsed.TotalMilliseconds / count, runMs / count)).ToList();
    }

    private static (double Decode, double Backend, double Other) Stages(List<ImageRun> runs) =>
        (runs.Sum(r => r.DecodeMs), runs.Sum(r => r.BackendMs), runs.Sum(r => r.RunMs - r.BackendMs));

    private void WriteSummary(List<ImageRun> runs, TimeSpan total)
    {
        var (decode, backend, other) = Stages(runs);
        output.WriteLine($"{runs.Count} images in {total.TotalSeconds:F1} s ({runs.Count / total.TotalSeconds:F2} images/s, batch {batch})" +
            (runs[0].Instances != null ? $", {runs.Sum(r => r.Instances!.Count)} instances" : ""));
        output.WriteLine($"time:    decode {decode:F0} ms, backend {backend:F0} ms, resize, planning, post-processing and copies {other:F0} ms");
    }

    private static void WriteTable(List<ImageRun> runs, TimeSpan total)
    {
        var (decode, backend, other) = Stages(runs);
        double all = decode + backend + other;
        var table = new Table().AddColumn("stage").AddColumn(new TableColumn("ms").RightAligned())
            .AddColumn(new TableColumn("ms / image").RightAligned()).AddColumn(new TableColumn("share").RightAligned());
        foreach (var (stage, ms) in new[] { ("decode", decode), ("backend", backend), ("resize, planning, post-processing, copies", other) })
            table.AddRow(stage, $"{ms:F0}", $"{ms / runs.Count:F1}", $"{100 * ms / all:F0} %");
        table.AddRow("[bold]total[/]", $"[bold]{total.TotalMilliseconds:F0}[/]", $"{total.TotalMilliseconds / runs.Count:F1}", "");
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"{runs.Count} images, [bold]{runs.Count / total.TotalSeconds:F2} images/s[/]" +
            (runs[0].Instances != null ? $", {runs.Sum(r => r.Instances!.Count)} instances" : ""));
    }

    /// <summary>
    /// <c>{"images": [{file, image_id, height, width, backend_ms, run_ms, decode_ms, instances:
    /// [{class, name, score, box}]}], "summary": {...}}</c>: boxes XYXY in original-image pixels.
    /// </summary>
    private void WriteJson(List<ImageRun> runs, TimeSpan total)
    {
        var metadata = DatasetMetadata.For(session.Model.Config);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("images");
            foreach (var r in runs)
            {
                writer.WriteStartObject();
                writer.WriteString("file", r.File);
                writer.WriteNumber("image_id", r.ImageId);
                writer.WriteNumber("height", r.Height);
                writer.WriteNumber("width", r.Width);
                writer.WriteNumber("decode_ms", Math.Round(r.DecodeMs, 3));
                writer.WriteNumber("backend_ms", Math.Round(r.BackendMs, 3));
                writer.WriteNumber("run_ms", Math.Round(r.RunMs, 3));
                if (r.Instances is { } instances) InstancesJson.Write(writer, instances, metadata);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            var (decode, backend, other) = Stages(runs);
            writer.WriteStartObject("summary");
            writer.WriteNumber("images", runs.Count);
            writer.WriteNumber("batch", batch);
            writer.WriteNumber("total_ms", Math.Round(total.TotalMilliseconds, 3));
            writer.WriteNumber("images_per_s", Math.Round(runs.Count / total.TotalSeconds, 3));
            writer.WriteNumber("decode_ms", Math.Round(decode, 3));
            writer.WriteNumber("backend_ms", Math.Round(backend, 3));
            writer.WriteNumber("other_ms", Math.Round(other, 3));
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }
}
