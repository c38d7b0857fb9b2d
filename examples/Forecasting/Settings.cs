using System.Globalization;

/// <summary>Command-line settings of the Forecasting example.</summary>
internal sealed record Settings(string? DataPath, string? Column, int? Season, int? Window, int Horizon, int Epochs, int Folds, int Seed, string OutputDirectory, bool Log = false, int? TestSize = null, bool Baseline = false, int? BoundsHalfLife = null,
    int? SeriesSeed = null, int Length = 180, bool Multiplicative = false)
{
    private const string Usage = "usage: Forecasting [--data PATH --column NAME] [--season N] [--window W] [--horizon H] [--epochs E] [--folds K] [--test-size N] [--seed S] [--log] [--baseline] [--bounds-half-life N] [--series-seed S] [--length N] [--multiplicative] [--out DIR]";

    public static Settings? Parse(string[] args)
    {
        var s = new Settings(null, null, null, null, 12, 60, 3, 1, ".");
        for (int i = 0; i < args.Length; i++)
        {
            string? value = i + 1 < args.Length ? args[i + 1] : null;
            int? number = int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n > 0 ? n : null;
            if (args[i] == "--log")
            {
                s = s with { Log = true };
                continue;
            }
            if (args[i] == "--baseline")
            {
                s = s with { Baseline = true };
                continue;
            }
            if (args[i] == "--multiplicative")
            {
                s = s with { Multiplicative = true };
                continue;
            }
            switch (args[i])
            {
                case "--data" when value is not null: s = s with { DataPath = value }; break;
                case "--column" when value is not null: s = s with { Column = value }; break;
                case "--out" when value is not null: s = s with { OutputDirectory = value }; break;
                case "--season" when number is not null: s = s with { Season = number }; break;
                case "--window" when number is not null: s = s with { Window = number }; break;
                case "--horizon" when number is not null: s = s with { Horizon = number.Value }; break;
                case "--epochs" when number is not null: s = s with { Epochs = number.Value }; break;
                case "--folds" when number is not null: s = s with { Folds = number.Value }; break;
                case "--test-size" when number is not null: s = s with { TestSize = number.Value }; break;
                case "--seed" when number is not null: s = s with { Seed = number.Value }; break;
                case "--series-seed" when number is not null: s = s with { SeriesSeed = number }; break;
                case "--length" when number is not null: s = s with { Length = number.Value }; break;
                case "--bounds-half-life" when value == "0" || number is not null: s = s with { BoundsHalfLife = number ?? 0 }; break;
                default:
                    Console.Error.WriteLine($"bad argument '{args[i]}'{(value is null ? "" : $" {value}")}; {Usage}");
                    return null;
            }
            i++;
        }
        if ((s.DataPath is null) != (s.Column is null))
        {
            Console.Error.WriteLine($"--data and --column go together; {Usage}");
            return null;
        }
        return s;
    }
}
