// Usage: Rnn.LoadHost MODE ZIP INPUT OUTPUT
//   transform: loads ZIP with a plain ml.Model.Load (no registration call), applies it to the rows of INPUT (an ML.NET
//              binary .idv file) and writes every output column to OUTPUT (.idv). Exit code 0 on success.
//   forecast, generate: see ForecastMode.cs and GenerateMode.cs.
//   checkpoint: trains with checkpoints to ZIP until killed (INPUT and OUTPUT unused); see CheckpointMode.cs.
//   train-streaming: see StreamingTrainMode.cs (ZIP is the token file, INPUT the settings, OUTPUT the peak working set).
using Microsoft.ML;

if (args.Length < 4)
{
    Console.Error.WriteLine("usage: Rnn.LoadHost transform|forecast|generate|checkpoint ZIP INPUT OUTPUT | train-streaming TOKENS SETTINGS OUTPUT");
    return 2;
}
string mode = args[0], zip = args[1], input = args[2], output = args[3];
switch (mode)
{
    case "transform":
        var ml = new MLContext();
        ITransformer model = ml.Model.Load(zip, out _);
        IDataView rows = ml.Data.LoadFromBinary(input);
        IDataView scored = model.Transform(rows);
        using (var stream = File.Create(output))
            ml.Data.SaveAsBinary(scored, stream, keepHidden: false);
        return 0;
    case "forecast":
        return ForecastMode.Run(zip, input, output);
    case "generate":
        return GenerateMode.Run(zip, input, output);
    case "checkpoint":
        return CheckpointMode.Run(zip);
    case "train-streaming":
        return StreamingTrainMode.Run(zip, input, output);
    default:
        Console.Error.WriteLine($"unknown mode '{mode}'");
        return 2;
}
