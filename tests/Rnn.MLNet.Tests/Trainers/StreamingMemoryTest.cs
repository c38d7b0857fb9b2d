using System.Globalization;
using System.Text;
using Rnn.MLNet.Tests.TestKit;

namespace Rnn.MLNet.Tests.Trainers;

/// <summary>
/// Training with <see cref="RecurrentTrainerOptions.CacheData"/> = false streams the data: ten times the rows keep the
/// peak working set within 1.2× (docs/reliability.md, "Memory"). Each measurement is a fresh process
/// (tests/Rnn.LoadHost train-streaming). CI runs half the lstm_cls rows on a small network; the full size, the lstm_cls workload's
/// data (WORKLOADS.md: 30 steps × batch 64 = 1,920 sequences of 50 token ids, vocabulary 5000, Embedding 64, LSTM 128)
/// and ten times it, is <c>RNNML_MEMORY_SCALE=full dotnet test tests/Rnn.MLNet.Tests --filter StreamingMemoryTest</c>.
/// </summary>
[TestClass]
public sealed class StreamingMemoryTest
{
    private sealed record Scale(int Rows, int Length, int Vocabulary, int Embedding, int Hidden, int Batch, string Source = "text");

    private static readonly Scale Ci = new(Rows: 960, Length: 50, Vocabulary: 5000, Embedding: 16, Hidden: 16, Batch: 64);
    // Streamed through LoadFromEnumerable over File.ReadLines: TextLoader's cursor reads 6,400 lines ahead and holds them,
    // about 9 KB each at 1000 tokens, which is ML.NET's memory, not the trainer's (docs/reliability.md, "Memory").
    private static readonly Scale LongSequences = new(Rows: 400, Length: 1000, Vocabulary: 2000, Embedding: 8, Hidden: 8, Batch: 32, Source: "lines");
    private static readonly Scale LstmCls = new(Rows: 1920, Length: 50, Vocabulary: 5000, Embedding: 64, Hidden: 128, Batch: 64);

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void Fit_CacheDataFalseOnTenTimesTheRows_PeakWorkingSetWithinOnePointTwoTimes()
    {
        AssertTenTimesTheRowsWithinOnePointTwo(Environment.GetEnvironmentVariable("RNNML_MEMORY_SCALE") == "full" ? LstmCls : Ci);
    }

    // Issue 16 part 7: each chunk's 1024 token arrays of 4 KB lived long enough to die in generation 2, so the peak grew
    // with the data (1× 100.6 MB, 10× 124.1 MB, 40× 128.1 MB through File.ReadLines); the next chunk now reuses them.
    [TestMethod]
    public void Fit_CacheDataFalseOnTenTimesTheLongSequences_PeakWorkingSetWithinOnePointTwoTimes()
    {
        AssertTenTimesTheRowsWithinOnePointTwo(LongSequences);
    }

    /// <summary>Peak working set of a CacheData = false fit on 10 × the scale's rows is at most 1.2 × that on 1 ×.</summary>
    private void AssertTenTimesTheRowsWithinOnePointTwo(Scale scale)
    {
        using var directory = new TempDirectory();
        long one = PeakWorkingSet(directory, scale, times: 1);
        long ten = PeakWorkingSet(directory, scale, times: 10);
        string figures = string.Create(CultureInfo.InvariantCulture,
            $"{scale}: peak working set 1× {one / 1e6:F1} MB, 10× {ten / 1e6:F1} MB, ratio {(double)ten / one:F3}");
        TestContext.WriteLine(figures);
        Assert.IsLessThanOrEqualTo(1.2 * one, ten, figures);
    }

    /// <summary>Writes <paramref name="times"/> × the scale's rows of random tokens and trains on them (CacheData = false) in a fresh process.</summary>
    private static long PeakWorkingSet(TempDirectory directory, Scale scale, int times)
    {
        string tokens = directory.File($"tokens-{times}x.tsv");
        var rng = new Random(times);
        using (var writer = new StreamWriter(tokens, append: false, Encoding.ASCII))
        {
            var line = new StringBuilder();
            for (int row = 0; row < scale.Rows * times; row++)
            {
                line.Clear().Append(rng.Next(2)).Append('\t');
                for (int t = 0; t < scale.Length; t++) line.Append(t == 0 ? "" : " ").Append(1 + rng.Next(scale.Vocabulary - 1));
                writer.WriteLine(line);
            }
        }
        string output = directory.File($"peak-{times}x.txt");
        string settings = string.Create(CultureInfo.InvariantCulture,
            $"vocab={scale.Vocabulary},length={scale.Length},embedding={scale.Embedding},hidden={scale.Hidden},batch={scale.Batch},epochs=1,cache=false,source={scale.Source}");
        LoadHost.Run(TimeSpan.FromMinutes(20), "train-streaming", tokens, settings, output);
        File.Delete(tokens);
        return long.Parse(File.ReadAllText(output), CultureInfo.InvariantCulture);
    }
}
