// A sentiment model behind an ASP.NET Core minimal API: POST /predict (one sentence or a batch), GET /health; the model
// zip is watched and a new one is swapped in without a restart once it has loaded and scored a probe sentence.
// Usage: dotnet run -c Release --project examples/SentimentService [-- --model PATH] [--urls URL] [--debounce-ms N]
//   --model PATH   the ML.NET model zip to serve (default: sentiment.zip, trained on examples/Sentiment/Data/reviews.tsv
//                  first if it does not exist)
//   --urls URL     where to listen (default http://127.0.0.1:5000)
// Try: curl -s localhost:5000/predict -H 'Content-Type: application/json' -d '{"text":"the soup was lovely"}'
using System.Globalization;
using SentimentService;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
string model = "sentiment.zip", urls = "http://127.0.0.1:5000";
int debounceMs = 500;
for (int i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i])
    {
        case "--model": model = Next(); break;
        case "--urls": urls = Next(); break;
        case "--debounce-ms": debounceMs = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
    }
}
if (!File.Exists(model))
{
    Console.WriteLine($"{model} does not exist: training one on {SentimentTraining.BuiltInCorpus} (LSTM, 10 epochs)");
    SentimentTraining.TrainAndSave(SentimentTraining.BuiltInCorpus, model);
}
var app = SentimentApi.Build(new ServiceOptions(model, urls, TimeSpan.FromMilliseconds(debounceMs)));
await app.RunAsync().ConfigureAwait(false);
return 0;
