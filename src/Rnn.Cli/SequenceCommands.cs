using System.Globalization;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Rnn.Cli.Reporting;
using Rnn.MLNet;
using Rnn.Core.Serialization;

namespace Rnn.Cli;

/// <summary>The forecasting and character-model commands.</summary>
internal static class SequenceCommands
{
    /// <summary>
    /// Fits ForecastByRecurrent on one numeric column (rows in time order), saves the model, prints the next values;
    /// with a <paramref name="plotDirectory"/>, draws the recent series with the forecast and its bounds, and the loss.
    /// </summary>
    public static int Forecast(string path, string column, bool hasHeader, char? separator, int horizon, int window, float confidence, int epochs, int seed, string output,
        string? plotDirectory, bool json)
    {
        if (!File.Exists(path)) throw new CliException($"dataset not found: {path}");
        if (horizon < 1) throw new CliException($"--horizon must be positive, got {horizon}");
        if (window < 1) throw new CliException($"--window must be positive, got {window}");
        if (confidence is <= 0 or >= 1) throw new CliException($"--confidence must be in (0, 1), got {confidence}");
        string first = File.ReadLines(path).FirstOrDefault() ?? throw new CliException($"dataset {path} is empty");
        char sep = separator ?? (first.Contains('\t') ? '\t' : ',');
        string[] header = first.Split(sep).Select(h => h.Trim().Trim('"')).ToArray();
        int index = int.TryParse(column, NumberStyles.None, CultureInfo.InvariantCulture, out int i) ? i
            : hasHeader ? Array.FindIndex(header, h => string.Equals(h, column, StringComparison.OrdinalIgnoreCase))
            : throw new CliException($"--column '{column}' is a name, but {path} has no header (pass --has-header, or a 0-based index)");
        if (index < 0 || index >= header.Length)
            throw new CliException($"--column '{column}': no such column in {path} (columns: {string.Join(", ", header)})");
        var ml = new MLContext(seed);
        var series = ml.Data.CreateTextLoader(new TextLoader.Options
        {
            Separators = [sep], HasHeader = hasHeader, AllowQuoting = true, Columns = [new TextLoader.Column("Value", DataKind.Single, index)],
        }).Load(path);
        float[] values = [.. ml.Data.CreateEnumerable<Observation>(series, false).Select(o => o.Value)];
        int rows = values.Length;
        if (rows < window + horizon + 1) throw new CliException($"{path} has {rows} values in column '{column}'; a window of {window} and a horizon of {horizon} need more than {window + horizon}");
        var (model, monitor) = TrainingMonitor.Run("forecast", quiet: json, monitor => (ml.Forecasting.ForecastByRecurrent(new RecurrentForecasterOptions
        {
            InputColumnName = "Value", OutputColumnName = "Forecast", WindowSize = window, Horizon = horizon, ConfidenceLevel = confidence,
            ConfidenceLowerBoundColumn = "Lower", ConfidenceUpperBoundColumn = "Upper", Epochs = epochs, Seed = seed, Progress = monitor.Report,
        }).Fit(series), monitor));
        using var engine = model.CreateForecastEngine<Observation, ForecastRow>(ml);
        engine.CheckPoint(ml, output);
        ForecastRow next = engine.Predict();
        string[] plots = plotDirectory is null ? [] : PlotOutput.Write(() =>
        [
            .. Plots.Forecast(plotDirectory, "forecast", $"rnnml forecast: {Path.GetFileName(path)}, column {column}", "step", column,
                values, shown: Math.Max(4 * horizon, 3 * window), next.Forecast, next.Lower, next.Upper, $"{confidence * 100:0.#}% bounds"),
            .. monitor.Plot(plotDirectory, "rnnml forecast", "mean squared error (scaled units)"),
        ]);
        if (json)
        {
            object result = plotDirectory is null
                ? new { output = Path.GetFullPath(output), forecast = next.Forecast, lower = next.Lower, upper = next.Upper }
                : new { output = Path.GetFullPath(output), forecast = next.Forecast, lower = next.Lower, upper = next.Upper, plots };
            Console.WriteLine(JsonSerializer.Serialize(result));
        }
        else
        {
            Console.WriteLine($"output: {Path.GetFullPath(output)}");
            for (int h = 0; h < next.Forecast.Length; h++)
                Console.WriteLine($"t+{h + 1}\t{next.Forecast[h]:G6}\t[{next.Lower[h]:G6}, {next.Upper[h]:G6}]");
            foreach (string plot in plots) Console.WriteLine($"wrote {plot}");
        }
        return 0;
    }

    /// <summary>Trains a character-level language model on a text file for a time budget and saves it; with a <paramref name="plotDirectory"/>, draws the loss.</summary>
    public static int TrainChar(string path, double minutes, int hidden, int seed, string output, string? plotDirectory, bool json)
    {
        if (!File.Exists(path)) throw new CliException($"dataset not found: {path}");
        if (minutes <= 0) throw new CliException($"--minutes must be positive, got {minutes}");
        string text = File.ReadAllText(path);
        if (text.Length < 2) throw new CliException($"{path} holds {text.Length} characters; a language model needs more");
        var ml = new MLContext(seed);
        var corpus = ml.Data.LoadFromEnumerable([new Corpus { Text = text }]);
        const int MaxEpochs = 1000;   // the time budget ends the run
        var budget = TimeSpan.FromMinutes(minutes);
        var (model, monitor) = TrainingMonitor.Run("train-char", quiet: json, monitor => (ml.TextGeneration.Trainers.CharRecurrent("Text", new CharRecurrentTrainerOptions
        {
            HiddenSize = hidden, Epochs = MaxEpochs, TimeBudget = budget, Seed = seed,
            Progress = p => monitor.Report(new ProgressReport(p.Training.Epoch, MaxEpochs, p.Training.Chunk, p.Training.Chunks, p.Training.TrainingLoss,
                p.Training.ValidationLoss, null, p.Training.GradientNorm, p.Training.Elapsed, p.Training.IsEpochEnd) { Budget = budget }),
        }).Fit(corpus), monitor));
        AtomicFile.Write(output, stream => ml.Model.Save(model, corpus.Schema, stream)); // a failed save leaves the old zip
        var typed = CharRecurrentModel.FromTransformer(model);
        string[] plots = plotDirectory is null ? [] : PlotOutput.Write(() => monitor.Plot(plotDirectory, $"rnnml train-char: {Path.GetFileName(path)}", "cross-entropy per character (nats)"));
        if (json)
        {
            object result = plotDirectory is null
                ? new { output = Path.GetFullPath(output), vocabulary = typed.Vocabulary.Count }
                : new { output = Path.GetFullPath(output), vocabulary = typed.Vocabulary.Count, plots };
            Console.WriteLine(JsonSerializer.Serialize(result));
        }
        else
        {
            Console.WriteLine($"output: {Path.GetFullPath(output)} ({typed.Vocabulary.Count} characters)");
            foreach (string plot in plots) Console.WriteLine($"wrote {plot}");
        }
        return 0;
    }

    /// <summary>Generates text from a character model zip.</summary>
    public static int Generate(string modelPath, string prompt, int length, float temperature, int topK, int seed, bool json)
    {
        if (!File.Exists(modelPath)) throw new CliException($"model not found: {modelPath}");
        if (length < 1) throw new CliException($"--length must be positive, got {length}");
        if (temperature < 0) throw new CliException($"--temperature must be 0 or positive, got {temperature}");
        ITransformer loaded;
        try
        {
            loaded = new MLContext().Model.Load(modelPath, out _);
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or InvalidOperationException or IOException)
        {
            throw new CliException($"{modelPath} is not an ML.NET model zip ({e.Message})");
        }
        CharRecurrentModel model;
        try
        {
            model = CharRecurrentModel.FromTransformer(loaded);
        }
        catch (ArgumentException)
        {
            throw new CliException($"{modelPath} holds no character model (train one with rnnml train-char)");
        }
        string text = model.Generate(prompt, length, temperature, topK, seed);
        Console.WriteLine(json ? JsonSerializer.Serialize(new { prompt, text }) : text);
        return 0;
    }

    /// <summary>One value of the series.</summary>
    public sealed class Observation
    {
        public float Value { get; set; }
    }

    /// <summary>The forecaster's columns.</summary>
    public sealed class ForecastRow
    {
        public float[] Forecast { get; set; } = [];

        public float[] Lower { get; set; } = [];

        public float[] Upper { get; set; } = [];
    }

    private sealed class Corpus
    {
        public string Text { get; set; } = "";
    }
}
