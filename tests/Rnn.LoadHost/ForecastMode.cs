using System.Globalization;
using Microsoft.ML;
using Rnn.MLNet;

/// <summary>
/// The forecasting side of the fresh-process tests: loads ZIP (a forecaster saved with ml.Model.Save or written by
/// engine.CheckPoint) with a plain ml.Model.Load, creates a forecast engine over column "Value", feeds the observations
/// in INPUT (a text file, one invariant-culture number per line; may be empty), then writes the next forecast to OUTPUT:
/// one line per column ("Forecast", "Lower", "Upper" where the model has them), the name then the values in "R" format.
/// </summary>
internal static class ForecastMode
{
    public static int Run(string zip, string input, string output)
    {
        var ml = new MLContext();
        ITransformer model = ml.Model.Load(zip, out _);
        var engine = model.CreateForecastEngine<Observation, NextForecast>(ml, ignoreMissingColumns: true);
        foreach (string line in File.ReadLines(input))
        {
            if (line.Length == 0) continue;
            engine.Predict(new Observation { Value = float.Parse(line, CultureInfo.InvariantCulture) });
        }
        NextForecast next = engine.Predict();
        using var writer = new StreamWriter(output);
        foreach (var (name, values) in new[] { ("Forecast", next.Forecast), ("Lower", next.Lower), ("Upper", next.Upper) })
            if (values is not null)
                writer.WriteLine(name + " " + string.Join(" ", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
        return 0;
    }

    private sealed class Observation
    {
        public float Value { get; set; }
    }

    private sealed class NextForecast
    {
        public float[]? Forecast { get; set; }

        public float[]? Lower { get; set; }

        public float[]? Upper { get; set; }
    }
}
