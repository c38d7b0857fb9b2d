// A character-level language model (karpathy's char-rnn) the ML.NET way: one text column holding the corpus,
// ml.TextGeneration.Trainers.CharRecurrent trains an LSTM/GRU/RNN on it with truncated backpropagation through time,
// and the fitted transformer continues prompts. Prints a sample every epoch; the last line is `val_loss <nats per char>`.
// Usage: dotnet run -c Release --project examples/CharRnn [-- --data PATH] [--epochs N | --minutes M] [--sweep]
//        [--cell lstm|gru|rnn] [--hidden N] [--embedding N] [--layers N] [--seq N] [--batch N] [--lr X]
//        [--length N] [--temperature X] [--top-k K] [--prompt TEXT] [--save PATH]
using System.Globalization;
using System.Text;
using Rnn.Core.Training;
using Rnn.MLNet;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var arguments = CharRnnArguments.Parse(args);
if (arguments is null) return 2;

string text = arguments.DataPath is { } path ? File.ReadAllText(path) : SourceCorpus.Read(out path);
Console.WriteLine($"corpus: {path} ({text.Length:N0} characters, {text.Distinct().Count()} distinct); the last 10% is the validation part");
Console.WriteLine($"budget: {(arguments.Minutes is { } m ? $"{m} minute(s) of training" : $"{arguments.Epochs} epoch(s)")}" +
    $"; B = {arguments.Batch} streams, T = {arguments.SequenceLength} steps, lr {arguments.LearningRate}");

var ml = new MLContext(seed: 1);
IDataView corpus = ml.Data.LoadFromEnumerable([new CorpusRow { Text = text }]);

if (!arguments.Sweep)
{
    var (model, result) = Train(ml, corpus, arguments, arguments.Hidden, verbose: true);
    string prompt = arguments.Prompt ?? "\n";
    Console.WriteLine($"--- sample ({arguments.Length} characters, temperature {arguments.Temperature}{(arguments.TopK > 0 ? $", top-{arguments.TopK}" : "")}) ---");
    Console.WriteLine(prompt.TrimStart('\n') + model.Generate(prompt));
    Console.WriteLine("---");
    if (arguments.SavePath is { } save)
    {
        ml.Model.Save(model, ml.Data.LoadFromEnumerable([new PromptRow()]).Schema, save);
        Console.WriteLine($"wrote {save} (prompt column 'Prompt' -> 'GeneratedText')");
    }
    Console.WriteLine($"kept the weights of epoch {result.BestEpoch} of {result.Epochs.Count} (lowest validation loss); last epoch's training loss {result.TrainingLoss:F4}");
    Console.WriteLine($"tokens/s {result.TokensPerSecond:F0}");
    Console.WriteLine($"val_loss {result.ValidationLoss:F4}");
    return 0;
}

// The seed exercise: the same corpus and budget for three hidden sizes.
var rows = new List<(int Hidden, LanguageModelResult Result, double SecondsPerEpoch, string Sample)>();
foreach (int hidden in new[] { 8, 64, 256 })
{
    Console.WriteLine($"=== hidden {hidden} ===");
    var (model, result) = Train(ml, corpus, arguments, hidden, verbose: false);
    long tokensPerEpoch = TokensPerEpoch(text.Length, arguments);
    string sample = model.WithGeneration(generatedLength: 60).Generate("\n");
    rows.Add((hidden, result, tokensPerEpoch / result.TokensPerSecond, sample));
}
Console.WriteLine();
Console.WriteLine("| hidden | train loss | val loss | s/epoch | tokens/s | sample (60 chars, \\n shown as ⏎) |");
Console.WriteLine("|-------:|-----------:|---------:|--------:|---------:|-----------------------------------|");
foreach (var r in rows)
    Console.WriteLine($"| {r.Hidden,6} | {r.Result.TrainingLoss,10:F4} | {r.Result.ValidationLoss,8:F4} | {r.SecondsPerEpoch,7:F1} | {r.Result.TokensPerSecond,8:F0} | {r.Sample.Replace("\n", "⏎", StringComparison.Ordinal).Replace("|", "\\|", StringComparison.Ordinal)} |");
Console.WriteLine("(losses in nats per character; s/epoch is training time for one pass over the training part, validation excluded)");
var best = rows.MinBy(r => r.Result.ValidationLoss ?? double.MaxValue);
Console.WriteLine($"best: hidden {best.Hidden}");
Console.WriteLine($"val_loss {best.Result.ValidationLoss:F4}");
return 0;

static (CharRecurrentTransformer Model, LanguageModelResult Result) Train(MLContext ml, IDataView corpus, CharRnnArguments a, int hidden, bool verbose)
{
    double nextReport = 30;   // seconds: a line about every 30 s, so a long epoch shows it is alive
    var trainer = ml.TextGeneration.Trainers.CharRecurrent(nameof(CorpusRow.Text), new CharRecurrentTrainerOptions
    {
        Cell = a.Cell, HiddenSize = hidden, EmbeddingSize = a.Embedding, NumberOfLayers = a.Layers,
        SequenceLength = a.SequenceLength, BatchSize = a.Batch, LearningRate = a.LearningRate, Seed = 1,
        Epochs = a.Minutes is null ? a.Epochs : int.MaxValue,
        TimeBudget = a.Minutes is { } minutes ? TimeSpan.FromMinutes(minutes) : null,
        GeneratedLength = a.Length, Temperature = a.Temperature, TopK = a.TopK, GenerationSeed = 1,
        EpochSampleLength = verbose ? 200 : 0,
        Progress = progress =>
        {
            var p = progress.Training;
            if (!p.IsEpochEnd)
            {
                if (p.Elapsed.TotalSeconds < nextReport) return;
                nextReport = p.Elapsed.TotalSeconds + 30;
                Console.WriteLine($"  epoch {p.Epoch} chunk {p.Chunk}/{p.Chunks}  train {p.TrainingLoss:F4}  {p.TokensPerSecond:F0} tok/s  {p.Elapsed.TotalSeconds:F0}s");
                return;
            }
            Console.WriteLine($"epoch {p.Epoch}{(p.Chunk < p.Chunks ? $" ({p.Chunk}/{p.Chunks} chunks, budget reached)" : "")}  train {p.TrainingLoss:F4}  val {p.ValidationLoss:F4} nats/char  {p.TokensPerSecond:F0} tok/s  {p.Elapsed.TotalSeconds:F0}s");
            if (progress.Sample is { } sample) Console.WriteLine("  | " + sample.Replace("\n", "\n  | ", StringComparison.Ordinal));
        },
    });
    var model = trainer.Fit(corpus);
    return (model, trainer.LastTrainingResult!);
}

static long TokensPerEpoch(int characters, CharRnnArguments a)
{
    int train = characters - (int)(characters * 0.1);
    int streams = Math.Min(a.Batch, train - 1);
    return (long)(train - 1) / streams * streams;
}

/// <summary>The corpus: one row, one text column.</summary>
public sealed class CorpusRow
{
    /// <summary>The whole text.</summary>
    public string Text { get; set; } = "";
}

/// <summary>The input of the saved generator.</summary>
public sealed class PromptRow
{
    /// <summary>Text to continue.</summary>
    public string Prompt { get; set; } = "";
}

/// <summary>The built-in corpus: the project's own C# sources.</summary>
internal static class SourceCorpus
{
    /// <summary>
    /// Finds the repository root (the folder holding RnnMl.sln, walking up from the program's folder) and concatenates
    /// src/**/*.cs in ordinal order of their relative paths (bin and obj left out), one '\n' between files.
    /// </summary>
    public static string Read(out string description)
    {
        string? root = AppContext.BaseDirectory;
        while (root is not null && !File.Exists(Path.Combine(root, "RnnMl.sln"))) root = Path.GetDirectoryName(root.TrimEnd(Path.DirectorySeparatorChar));
        if (root is null) throw new DirectoryNotFoundException($"RnnMl.sln not found above {AppContext.BaseDirectory}; pass --data PATH");
        string src = Path.Combine(root, "src");
        var files = Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(src, f).Replace('\\', '/'))
            .Where(f => !f.Split('/').Any(part => part is "bin" or "obj"))
            .Order(StringComparer.Ordinal)
            .ToList();
        var text = new StringBuilder();
        foreach (string file in files)
        {
            if (text.Length > 0) text.Append('\n');
            text.Append(File.ReadAllText(Path.Combine(src, file)));
        }
        description = $"the project's own sources ({files.Count} files under {src})";
        return text.ToString();
    }
}

/// <summary>Command-line options of the example.</summary>
internal sealed record CharRnnArguments(string? DataPath, int Epochs, double? Minutes, bool Sweep, RecurrentCellType Cell, int Hidden, int Embedding,
    int Layers, int SequenceLength, int Batch, float LearningRate, int Length, float Temperature, int TopK, string? Prompt, string? SavePath)
{
    private const string Usage = """
        usage: CharRnn [--data PATH] [--epochs N | --minutes M] [--sweep] [--cell lstm|gru|rnn] [--hidden N] [--embedding N]
                       [--layers N] [--seq N] [--batch N] [--lr X] [--length N] [--temperature X] [--top-k K] [--prompt TEXT] [--save PATH]
          --data PATH     a text file to learn (default: the project's own sources: every src/**/*.cs of the repository
                          holding RnnMl.sln, found by walking up from the program, concatenated in ordinal path order)
          --epochs N      passes over the training part (default 2)
          --minutes M     train for M minutes instead of a number of epochs (stops mid-epoch when the time is up)
          --sweep         hidden sizes 8, 64, 256 on the same corpus and budget; prints a table
          defaults: --cell lstm --hidden 256 --embedding 64 --layers 1 --seq 100 --batch 32 --lr 0.002
                    --length 400 --temperature 0.8 --top-k 0 --prompt "\n"
        The last 10% of the text is the validation part; losses are in nats per character.
        The last line printed is `val_loss <nats per char>` (with --sweep: the best of the three).
        """;

    public static CharRnnArguments? Parse(string[] args)
    {
        string? data = null, prompt = null, save = null;
        int epochs = 2, hidden = 256, embedding = 64, layers = 1, seq = 100, batch = 32, length = 400, topK = 0;
        double? minutes = null;
        float lr = 2e-3f, temperature = 0.8f;
        bool sweep = false;
        var cell = RecurrentCellType.Lstm;
        try
        {
            for (int i = 0; i < args.Length; i++)
            {
                string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
                int NextInt() => int.Parse(Next(), CultureInfo.InvariantCulture);
                switch (args[i])
                {
                    case "--data": data = Next(); break;
                    case "--epochs": epochs = NextInt(); break;
                    case "--minutes": minutes = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--sweep": sweep = true; break;
                    case "--cell": cell = Enum.Parse<RecurrentCellType>(Next(), ignoreCase: true); break;
                    case "--hidden": hidden = NextInt(); break;
                    case "--embedding": embedding = NextInt(); break;
                    case "--layers": layers = NextInt(); break;
                    case "--seq": seq = NextInt(); break;
                    case "--batch": batch = NextInt(); break;
                    case "--lr": lr = float.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--length": length = NextInt(); break;
                    case "--temperature": temperature = float.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--top-k": topK = NextInt(); break;
                    case "--prompt": prompt = Next(); break;
                    case "--save": save = Next(); break;
                    case "--help" or "-h": Console.WriteLine(Usage); return null;
                    default: throw new ArgumentException($"unknown argument '{args[i]}'");
                }
            }
        }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine(Usage);
            return null;
        }
        if (data is not null && !File.Exists(data))
        {
            Console.Error.WriteLine($"data file not found: {data}");
            return null;
        }
        if (minutes is <= 0)
        {
            Console.Error.WriteLine("--minutes must be positive");
            return null;
        }
        return new CharRnnArguments(data, epochs, minutes, sweep, cell, hidden, embedding, layers, seq, batch, lr, length, temperature, topK, prompt, save);
    }
}
