using Microsoft.ML;
using Rnn.MLNet;

/// <summary>
/// The text-generation side of the fresh-process tests: loads ZIP with a plain <c>ml.Model.Load</c>, recovers the typed
/// model (<see cref="CharRecurrentModel.FromTransformer"/>) and writes, for every row of INPUT's prompt column, the prompt
/// and <c>model.Generate(prompt)</c> to OUTPUT (.idv, columns Prompt and GeneratedText).
/// </summary>
internal static class GenerateMode
{
    public static int Run(string zip, string input, string output)
    {
        var ml = new MLContext();
        ITransformer loaded = ml.Model.Load(zip, out _);
        CharRecurrentModel model = CharRecurrentModel.FromTransformer(loaded);
        IDataView rows = ml.Data.LoadFromBinary(input);
        var column = rows.Schema[model.PromptColumnName];
        var generated = new List<GeneratedRow>();
        using (var cursor = rows.GetRowCursor([column]))
        {
            var getter = cursor.GetGetter<ReadOnlyMemory<char>>(column);
            ReadOnlyMemory<char> prompt = default;
            while (cursor.MoveNext())
            {
                getter(ref prompt);
                generated.Add(new GeneratedRow { Prompt = prompt.ToString(), GeneratedText = model.Generate(prompt.ToString()) });
            }
        }
        using var stream = File.Create(output);
        ml.Data.SaveAsBinary(ml.Data.LoadFromEnumerable(generated), stream, keepHidden: false);
        return 0;
    }

    private sealed class GeneratedRow
    {
        public string Prompt { get; set; } = "";

        public string GeneratedText { get; set; } = "";
    }
}
