// rnnml: the command line of RnnMl, modelled on ML.NET's `mlnet` CLI. The zips it writes are ordinary ML.NET model zips.
//   rnnml classify --dataset FILE --label-col N|NAME --text-col N|NAME [--cell lstm --hidden 128 --epochs 10] --output model.zip
//   rnnml evaluate --model model.zip --dataset FILE --label-col N|NAME --text-col N|NAME
//   rnnml predict  --model model.zip        (one text per stdin line → one prediction per stdout line)
//   rnnml forecast --dataset FILE --column N|NAME --horizon H [--window W] --output model.zip
//   rnnml train-char --dataset FILE --minutes M --output char.zip;  rnnml generate --model char.zip --prompt TEXT --length N --temperature T
// Training commands show a live bar on a terminal and one line per epoch when the output is redirected; --plot DIR
// writes their curves (and the forecast) as PNG and SVG.
// Exit codes: 0 success, 1 failure while running, 2 bad usage or input (one line on stderr, no stack trace unless --verbose).
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Rnn.Cli;
using Rnn.MLNet;
using Rnn.Core.Serialization;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var verbose = new Option<bool>("--verbose") { Description = "Print stack traces of errors.", Recursive = true };
var json = new Option<bool>("--json") { Description = "Print results as JSON (one object; predict: one object per line).", Recursive = true };
var root = new RootCommand("rnnml: recurrent networks (RNN, LSTM, GRU) for ML.NET from the command line; the zips it writes are ML.NET model zips.\n" +
    "Exit codes: 0 success, 1 failure while running, 2 bad usage or input (one line on stderr; --verbose adds the stack trace).\n" +
    "Example: rnnml classify --dataset reviews.tsv --epochs 10 --output sentiment.zip --plot plots && echo \"great food\" | rnnml predict --model sentiment.zip")
{
    verbose, json,
};

// ---------------------------------------------------------------- classify
var dataset = new Option<string>("--dataset", "-d") { Description = "A delimited text file (TSV or CSV).", Required = true };
var labelCol = new Option<string>("--label-col") { Description = "The label column: a 0-based index, or a header name.", DefaultValueFactory = _ => "1" };
var textCol = new Option<string>("--text-col") { Description = "The text column: a 0-based index, or a header name.", DefaultValueFactory = _ => "0" };
var hasHeader = new Option<bool>("--has-header") { Description = "The first line names the columns." };
var separator = new Option<char?>("--separator") { Description = "Field separator (default: tab if the first line has one, else comma)." };
var cell = new Option<RecurrentCellType>("--cell") { Description = "Recurrent cell: rnn, lstm or gru.", DefaultValueFactory = _ => RecurrentCellType.Lstm };
var hidden = new Option<int>("--hidden") { Description = "Hidden units.", DefaultValueFactory = _ => 64 };
var epochs = new Option<int>("--epochs") { Description = "Passes over the training data.", DefaultValueFactory = _ => 10 };
var bidirectional = new Option<bool>("--bidirectional") { Description = "Read each text in both directions." };
var testFraction = new Option<double>("--test-fraction") { Description = "Share of the rows held out for the reported metrics (0: none).", DefaultValueFactory = _ => 0.2 };
var seed = new Option<int>("--seed") { Description = "Seed of the split, initialisation and shuffling.", DefaultValueFactory = _ => 1 };
var output = new Option<string>("--output", "-o") { Description = "The model zip to write.", DefaultValueFactory = _ => "model.zip" };
var validationFraction = new Option<float>("--validation-fraction") { Description = "Share of the training rows held out for the validation loss per epoch and early stopping (0: none).", DefaultValueFactory = _ => 0.1f };
var plot = new Option<string?>("--plot") { Description = "Write plots to this directory, as PNG and SVG: loss.* (training and validation loss per epoch), gradient-norm.* (per batch); forecast: forecast.* (the series, the forecast and its bounds)." };
var classify = new Command("classify", "Train a recurrent text classifier (binary for 0/1 or true/false labels, multiclass otherwise) and save it as an ML.NET model zip.\n" +
    "Example: rnnml classify --dataset reviews.tsv --label-col 1 --text-col 0 --cell gru --epochs 10 --output sentiment.zip --plot plots")
{
    dataset, labelCol, textCol, hasHeader, separator, cell, hidden, epochs, bidirectional, testFraction, validationFraction, seed, output, plot,
};
classify.SetAction(r => Run(r.GetValue(verbose), () => Commands.Classify(
    TextTable.Open(r.GetValue(dataset)!, r.GetValue(textCol)!, r.GetValue(labelCol)!, r.GetValue(separator), r.GetValue(hasHeader)),
    new RecurrentTrainerOptions
    {
        Cell = r.GetValue(cell), HiddenSize = Positive(r.GetValue(hidden), "--hidden"), Epochs = Positive(r.GetValue(epochs), "--epochs"), Bidirectional = r.GetValue(bidirectional),
        ValidationFraction = Fraction(r.GetValue(validationFraction), "--validation-fraction"),
    },
    r.GetValue(testFraction), r.GetValue(seed), r.GetValue(output)!, r.GetValue(plot), r.GetValue(json))));
root.Subcommands.Add(classify);

// ---------------------------------------------------------------- evaluate
var model = new Option<string>("--model", "-m") { Description = "A model zip written by rnnml classify (or any ML.NET pipeline ending with a recurrent classifier over columns Text and Label).", Required = true };
var evaluate = new Command("evaluate", "Score a labelled dataset with a model zip and print ML.NET's metrics.\nExample: rnnml evaluate --model sentiment.zip --dataset test.tsv")
{
    model, dataset, labelCol, textCol, hasHeader, separator,
};
evaluate.SetAction(r => Run(r.GetValue(verbose), () => Commands.Evaluate(r.GetValue(model)!,
    TextTable.Open(r.GetValue(dataset)!, r.GetValue(textCol)!, r.GetValue(labelCol)!, r.GetValue(separator), r.GetValue(hasHeader)), r.GetValue(json))));
root.Subcommands.Add(evaluate);

// ---------------------------------------------------------------- predict
var predict = new Command("predict", "Read one text per line from standard input and print one prediction per line.\nExample: echo \"the food was great\" | rnnml predict --model sentiment.zip") { model };
predict.SetAction(r => Run(r.GetValue(verbose), () => Commands.Predict(r.GetValue(model)!, Console.In, Console.Out, r.GetValue(json))));
root.Subcommands.Add(predict);

// ---------------------------------------------------------------- forecast
var column = new Option<string>("--column") { Description = "The series column: a 0-based index, or a header name (rows in time order).", Required = true };
var horizon = new Option<int>("--horizon") { Description = "Steps to forecast.", Required = true };
var window = new Option<int>("--window") { Description = "Past steps the network reads.", DefaultValueFactory = _ => 24 };
var confidence = new Option<float>("--confidence") { Description = "Coverage of the bounds.", DefaultValueFactory = _ => 0.9f };
var forecastEpochs = new Option<int>("--epochs") { Description = "Passes over the windows.", DefaultValueFactory = _ => 60 };
var forecast = new Command("forecast", "Fit a recurrent forecaster on a series, save it (with its state) as an ML.NET model zip and print the next values with bounds.\n" +
    "Example: rnnml forecast --dataset airline.csv --has-header --column Passengers --horizon 12 --window 24 --output airline.zip --plot plots")
{
    dataset, column, hasHeader, separator, horizon, window, confidence, forecastEpochs, seed, output, plot,
};
forecast.SetAction(r => Run(r.GetValue(verbose), () => SequenceCommands.Forecast(r.GetValue(dataset)!, r.GetValue(column)!, r.GetValue(hasHeader), r.GetValue(separator),
    r.GetValue(horizon), r.GetValue(window), r.GetValue(confidence), Positive(r.GetValue(forecastEpochs), "--epochs"), r.GetValue(seed), r.GetValue(output)!, r.GetValue(plot), r.GetValue(json))));
root.Subcommands.Add(forecast);

// ---------------------------------------------------------------- train-char, generate
var minutes = new Option<double>("--minutes") { Description = "Training time budget.", DefaultValueFactory = _ => 5 };
var charHidden = new Option<int>("--hidden") { Description = "Hidden units of the LSTM.", DefaultValueFactory = _ => 256 };
var trainChar = new Command("train-char", "Train a character-level LSTM language model on a text file for a time budget; save it as an ML.NET model zip.\n" +
    "Example: rnnml train-char --dataset input.txt --minutes 10 --output char.zip --plot plots")
{
    dataset, minutes, charHidden, seed, output, plot,
};
trainChar.SetAction(r => Run(r.GetValue(verbose), () => SequenceCommands.TrainChar(r.GetValue(dataset)!, r.GetValue(minutes), Positive(r.GetValue(charHidden), "--hidden"), r.GetValue(seed), r.GetValue(output)!, r.GetValue(plot), r.GetValue(json))));
root.Subcommands.Add(trainChar);
var prompt = new Option<string>("--prompt") { Description = "Text to continue.", DefaultValueFactory = _ => "" };
var length = new Option<int>("--length") { Description = "Characters to generate.", DefaultValueFactory = _ => 200 };
var temperature = new Option<float>("--temperature") { Description = "Sampling temperature (0: always the likeliest character).", DefaultValueFactory = _ => 1f };
var topK = new Option<int>("--top-k") { Description = "Sample among the k likeliest characters (0: all)." };
var generate = new Command("generate", "Generate text with a character model zip.\nExample: rnnml generate --model char.zip --prompt \"ROMEO:\" --length 300 --temperature 0.8")
{
    model, prompt, length, temperature, topK, seed,
};
generate.SetAction(r => Run(r.GetValue(verbose), () => SequenceCommands.Generate(r.GetValue(model)!, r.GetValue(prompt)!, r.GetValue(length), r.GetValue(temperature), r.GetValue(topK), r.GetValue(seed), r.GetValue(json))));
root.Subcommands.Add(generate);

ParseResult parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    foreach (var error in parsed.Errors) Console.Error.WriteLine($"rnnml: {error.Message}");
    Console.Error.WriteLine("Run 'rnnml --help' for usage.");
    return 2;
}
return parsed.Invoke();

static int Run(bool verbose, Func<int> action)
{
    try
    {
        return action();
    }
    catch (CliException e)
    {
        Console.Error.WriteLine($"rnnml: {e.Message}");
        return 2;
    }
    catch (Exception e) when (e is ArgumentException or InvalidDataException or FileNotFoundException or FormatException or InvalidOperationException)
    {
        Console.Error.WriteLine(verbose ? e.ToString() : $"rnnml: {e.Message}");
        return 1;
    }
}

static int Positive(int value, string option) => value > 0 ? value : throw new CliException($"{option} must be positive, got {value}");

static float Fraction(float value, string option) => value is >= 0 and < 1 ? value : throw new CliException($"{option} must be in [0, 1), got {value}");

/// <summary>The commands' work, apart from parsing.</summary>
internal static class Commands
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = false };

    public static int Classify(TextTable table, RecurrentTrainerOptions options, double testFraction, int seed, string output, string? plotDirectory, bool json)
    {
        if (testFraction is < 0 or >= 1) throw new CliException($"--test-fraction must be in [0, 1), got {testFraction}");
        var ml = new MLContext(seed);
        IDataView data = table.Load(ml);
        (IDataView TrainSet, IDataView TestSet) split = testFraction > 0 ? Split(ml.Data.TrainTestSplit(data, testFraction, seed: seed)) : (data, data);
        bool binary = table.IsBinary;
        options.LabelColumnName = binary ? "Label" : "LabelKey";
        options.FeatureColumnName = "Tokens";
        options.Seed = seed;
        var (fitted, monitor) = TrainingMonitor.Run("classify", quiet: json, monitor =>
        {
            options.Progress = monitor.Report;   // before the trainer takes its copy of the options
            IEstimator<ITransformer> text = ml.Transforms.Text.NormalizeText("NormText", "Text")
                .Append(ml.Transforms.Text.TokenizeIntoWords("Tokens", "NormText"))
                .Append(ml.Transforms.Conversion.MapValueToKey("Tokens", maximumNumberOfKeys: 50_000));
            IEstimator<ITransformer> pipeline = binary
                ? text.Append(ml.BinaryClassification.Trainers.Recurrent(options))
                : text.Append(ml.Transforms.Conversion.MapValueToKey("LabelKey", "Label")).Append(ml.MulticlassClassification.Trainers.Recurrent(options))
                    .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedText", "PredictedLabel"));
            return (pipeline.Fit(split.TrainSet), monitor);
        });
        Dictionary<string, object> result = new() { ["task"] = binary ? "binary" : "multiclass", ["labels"] = table.Labels, ["output"] = Path.GetFullPath(output) };
        if (testFraction > 0) result["metrics"] = Metrics(ml, fitted, split.TestSet, binary);
        AtomicFile.Write(output, stream => ml.Model.Save(fitted, data.Schema, stream)); // a failed save leaves the old zip
        if (plotDirectory is not null)
            result["plots"] = PlotOutput.Write(() => monitor.Plot(plotDirectory, $"rnnml classify ({options.Cell.ToString().ToLowerInvariant()}, {(binary ? "binary" : "multiclass")})", "cross-entropy (nats)"));
        Print(result, json);
        return 0;
    }

    private static (IDataView, IDataView) Split(DataOperationsCatalog.TrainTestData s) => (s.TrainSet, s.TestSet);

    public static int Evaluate(string modelPath, TextTable table, bool json)
    {
        var ml = new MLContext();
        ITransformer loaded = Load(ml, modelPath);
        RecurrentModel recurrent = RecurrentModel.FromTransformer(loaded);
        bool binary = recurrent.Task == RecurrentTask.BinaryClassification;
        if (recurrent.Task == RecurrentTask.Regression) throw new CliException($"{modelPath} holds a regression model; evaluate takes classifiers");
        var metrics = Metrics(ml, loaded, table.Load(ml), binary);
        Print(new Dictionary<string, object> { ["task"] = binary ? "binary" : "multiclass", ["metrics"] = metrics }, json);
        return 0;
    }

    public static int Predict(string modelPath, TextReader input, TextWriter output, bool json)
    {
        var ml = new MLContext();
        ITransformer loaded = Load(ml, modelPath);
        bool binary = RecurrentModel.FromTransformer(loaded).Task == RecurrentTask.BinaryClassification;
        var engineBinary = binary ? ml.Model.CreatePredictionEngine<TextRow, BinaryOut>(loaded) : null;
        var engineMulti = binary ? null : ml.Model.CreatePredictionEngine<TextRow, MulticlassOut>(loaded, ignoreMissingColumns: true);
        for (string? line = input.ReadLine(); line is not null; line = input.ReadLine())
        {
            object prediction;
            if (engineBinary is not null)
            {
                var p = engineBinary.Predict(new TextRow { Text = line });
                prediction = new { text = line, predictedLabel = p.PredictedLabel, probability = p.Probability, score = p.Score };
                if (!json) output.WriteLine($"{p.PredictedLabel}\t{p.Probability:F4}\t{line}");
            }
            else
            {
                var p = engineMulti!.Predict(new TextRow { Text = line });
                float best = p.Score.Length > 0 ? p.Score.Max() : float.NaN;
                prediction = new { text = line, predictedLabel = p.PredictedText, probability = best };
                if (!json) output.WriteLine($"{p.PredictedText}\t{best:F4}\t{line}");
            }
            if (json) output.WriteLine(JsonSerializer.Serialize(prediction, JsonOptions));
        }
        return 0;
    }

    private static ITransformer Load(MLContext ml, string path)
    {
        if (!File.Exists(path)) throw new CliException($"model not found: {path}");
        try
        {
            return ml.Model.Load(path, out _);
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or InvalidOperationException or IOException)
        {
            throw new CliException($"{path} is not an ML.NET model zip ({e.Message})");
        }
    }

    private static Dictionary<string, double> Metrics(MLContext ml, ITransformer model, IDataView data, bool binary)
    {
        IDataView scored = model.Transform(data);
        if (binary)
        {
            var m = ml.BinaryClassification.Evaluate(scored);
            return new() { ["accuracy"] = m.Accuracy, ["auc"] = m.AreaUnderRocCurve, ["f1"] = m.F1Score, ["logLoss"] = m.LogLoss };
        }
        var mc = ml.MulticlassClassification.Evaluate(scored, labelColumnName: "LabelKey");
        return new() { ["microAccuracy"] = mc.MicroAccuracy, ["macroAccuracy"] = mc.MacroAccuracy, ["logLoss"] = mc.LogLoss };
    }

    private static void Print(Dictionary<string, object> result, bool json)
    {
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(result, JsonOptions));
            return;
        }
        foreach (var (key, value) in result)
        {
            if (value is Dictionary<string, double> metrics)
                Console.WriteLine($"{key}: " + string.Join("  ", metrics.Select(m => $"{m.Key} {m.Value:F4}")));
            else if (value is string[] paths && key == "plots")
                foreach (string path in paths) Console.WriteLine($"wrote {path}");
            else if (value is string[] list)
                Console.WriteLine($"{key}: {string.Join(", ", list)}");
            else
                Console.WriteLine($"{key}: {value}");
        }
    }
}

/// <summary>One text to classify.</summary>
internal sealed class TextRow
{
    public string Text { get; set; } = "";
}

/// <summary>A binary classifier's columns.</summary>
internal sealed class BinaryOut
{
    public bool PredictedLabel { get; set; }

    public float Probability { get; set; }

    public float Score { get; set; }
}

/// <summary>A multiclass classifier's columns (PredictedText: the predicted label's value).</summary>
internal sealed class MulticlassOut
{
    public string PredictedText { get; set; } = "";

    public float[] Score { get; set; } = [];
}
