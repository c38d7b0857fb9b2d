using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Rnn.MLNet;

/// <summary>
/// <c>Rnn.LoadHost train-streaming TOKENS SETTINGS OUTPUT</c>: trains a binary recurrent classifier on TOKENS (one row per
/// line: a 0/1 label, a tab, then <c>length</c> space-separated token ids in 1..vocab) and writes this process's peak
/// working set (VmHWM of /proc/self/status, else <see cref="System.Diagnostics.Process.PeakWorkingSet64"/>) to OUTPUT.
/// SETTINGS: <c>vocab=5000,length=50,embedding=64,hidden=128,batch=64,epochs=1,cache=false</c>, optionally
/// <c>source=lines</c>. A fresh process per measurement, so one run's peak does not hide another's (docs/reliability.md, "Memory").
/// </summary>
/// <remarks>
/// The default source is ML.NET's <see cref="TextLoader"/>, whose cursor reads up to 6,400 lines ahead (100 batches of 64)
/// on a thread of its own and holds them as strings: about 9 KB a line at 1000 tokens. <c>source=lines</c> streams the
/// file through <c>LoadFromEnumerable</c> over <see cref="File.ReadLines(string)"/> instead, which reads a line when the
/// trainer asks for a row, so the figure is the trainer's own.
/// </remarks>
internal static class StreamingTrainMode
{
    public static int Run(string tokens, string settingsText, string output)
    {
        var settings = settingsText.Split(',').Select(p => p.Split('=')).ToDictionary(p => p[0], p => p[1]);
        int Int(string key) => int.Parse(settings[key], CultureInfo.InvariantCulture);
        var ml = new MLContext(seed: 1);
        var loader = ml.Data.CreateTextLoader(new TextLoader.Options
        {
            Separators = ['\t', ' '],
            Columns =
            [
                new TextLoader.Column("Label", DataKind.Boolean, 0),
                new TextLoader.Column("Tokens", DataKind.UInt32, 1, Int("length")) { KeyCount = new KeyCount((ulong)Int("vocab")) },
            ],
        });
        IDataView data = settings.GetValueOrDefault("source", "text") switch // streamed from the file on every pass
        {
            "text" => loader.Load(tokens),
            "lines" => Lines(ml, tokens, Int("vocab"), Int("length")),
            var other => throw new ArgumentException($"unknown source '{other}'"),
        };
        var trainer = ml.BinaryClassification.Trainers.Recurrent(new RecurrentTrainerOptions
        {
            FeatureColumnName = "Tokens", Cell = RecurrentCellType.Lstm, EmbeddingSize = Int("embedding"), HiddenSize = Int("hidden"),
            BatchSize = Int("batch"), Epochs = Int("epochs"), LearningRate = 1e-3f, Seed = 1, CacheData = bool.Parse(settings["cache"]),
        });
        var model = trainer.Fit(data);
        if (!(trainer.LastTrainingResult?.Epochs.All(e => double.IsFinite(e.TrainingLoss)) ?? false)) return 1;
        File.WriteAllText(output, PeakWorkingSet().ToString(CultureInfo.InvariantCulture));
        GC.KeepAlive(model);
        return 0;
    }

    /// <summary>The token file as a view that parses one line per row, when asked for it.</summary>
    private static IDataView Lines(MLContext ml, string tokens, int vocab, int length)
    {
        var schema = SchemaDefinition.Create(typeof(TokenRow));
        schema[nameof(TokenRow.Tokens)].ColumnType = new VectorDataViewType(new KeyDataViewType(typeof(uint), vocab), length);
        return ml.Data.LoadFromEnumerable(File.ReadLines(tokens).Select(line =>
        {
            int tab = line.IndexOf('\t', StringComparison.Ordinal);
            var row = new TokenRow { Label = line[0] == '1', Tokens = new uint[length] };
            int t = 0;
            foreach (var range in line.AsSpan(tab + 1).Split(' '))
                row.Tokens[t++] = uint.Parse(line.AsSpan(tab + 1)[range], CultureInfo.InvariantCulture);
            return row;
        }), schema);
    }

    private sealed class TokenRow
    {
        public bool Label { get; set; }

        public uint[] Tokens { get; set; } = [];
    }

    private static long PeakWorkingSet()
    {
        const string status = "/proc/self/status";
        if (File.Exists(status))
        {
            string? line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            if (line is not null) return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        return System.Diagnostics.Process.GetCurrentProcess().PeakWorkingSet64;
    }
}
