using Microsoft.ML;

namespace Rnn.MLNet;

/// <summary>The recurrent trainers on ML.NET's trainer catalogs.</summary>
/// <example>
/// <code>
/// var trainer = ml.BinaryClassification.Trainers.Recurrent(new RecurrentTrainerOptions {
///     LabelColumnName = "Label", FeatureColumnName = "Tokens", Cell = RecurrentCellType.Lstm, Epochs = 10 });
/// </code>
/// See examples/Sentiment and examples/Quickstart.
/// </example>
public static class RecurrentCatalogExtensions
{
    /// <summary>A recurrent binary classifier with default options but the ones given.</summary>
    /// <param name="catalog">The binary classification trainers.</param>
    /// <param name="labelColumnName">Label column: Boolean, or Single/Double holding 0 and 1. Default "Label".</param>
    /// <param name="featureColumnName">Feature column: key vector (tokens) or Single vector (steps). Default "Features".</param>
    /// <param name="cell">Recurrent cell. Default LSTM.</param>
    /// <param name="hiddenSize">Hidden units. Default 64.</param>
    /// <param name="epochs">Passes over the data. Default 10.</param>
    public static RecurrentTrainer Recurrent(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog,
        string labelColumnName = "Label", string featureColumnName = "Features", RecurrentCellType cell = RecurrentCellType.Lstm,
        int hiddenSize = 64, int epochs = 10) =>
        Recurrent(catalog, Short(labelColumnName, featureColumnName, cell, hiddenSize, epochs));

    /// <summary>A recurrent binary classifier (Score, Probability, PredictedLabel).</summary>
    public static RecurrentTrainer Recurrent(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog, RecurrentTrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new RecurrentTrainer(CatalogContext.Of(catalog), RecurrentTask.BinaryClassification, options);
    }

    /// <summary>A recurrent multiclass classifier with default options but the ones given.</summary>
    /// <param name="catalog">The multiclass classification trainers.</param>
    /// <param name="labelColumnName">Label column: a key (MapValueToKey). Default "Label".</param>
    /// <param name="featureColumnName">Feature column: key vector (tokens) or Single vector (steps). Default "Features".</param>
    /// <param name="cell">Recurrent cell. Default LSTM.</param>
    /// <param name="hiddenSize">Hidden units. Default 64.</param>
    /// <param name="epochs">Passes over the data. Default 10.</param>
    public static RecurrentTrainer Recurrent(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string labelColumnName = "Label", string featureColumnName = "Features", RecurrentCellType cell = RecurrentCellType.Lstm,
        int hiddenSize = 64, int epochs = 10) =>
        Recurrent(catalog, Short(labelColumnName, featureColumnName, cell, hiddenSize, epochs));

    /// <summary>A recurrent multiclass classifier (Score vector, PredictedLabel key).</summary>
    public static RecurrentTrainer Recurrent(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog, RecurrentTrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new RecurrentTrainer(CatalogContext.Of(catalog), RecurrentTask.MulticlassClassification, options);
    }

    /// <summary>A recurrent regressor with default options but the ones given.</summary>
    /// <param name="catalog">The regression trainers.</param>
    /// <param name="labelColumnName">Label column: Single or Double. Default "Label".</param>
    /// <param name="featureColumnName">Feature column: key vector (tokens) or Single vector (steps). Default "Features".</param>
    /// <param name="cell">Recurrent cell. Default LSTM.</param>
    /// <param name="hiddenSize">Hidden units. Default 64.</param>
    /// <param name="epochs">Passes over the data. Default 10.</param>
    public static RecurrentTrainer Recurrent(this RegressionCatalog.RegressionTrainers catalog,
        string labelColumnName = "Label", string featureColumnName = "Features", RecurrentCellType cell = RecurrentCellType.Lstm,
        int hiddenSize = 64, int epochs = 10) =>
        Recurrent(catalog, Short(labelColumnName, featureColumnName, cell, hiddenSize, epochs));

    /// <summary>A recurrent regressor (Score).</summary>
    public static RecurrentTrainer Recurrent(this RegressionCatalog.RegressionTrainers catalog, RecurrentTrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new RecurrentTrainer(CatalogContext.Of(catalog), RecurrentTask.Regression, options);
    }

    private static RecurrentTrainerOptions Short(string label, string features, RecurrentCellType cell, int hidden, int epochs) => new()
    {
        LabelColumnName = label, FeatureColumnName = features, Cell = cell, HiddenSize = hidden, Epochs = epochs,
    };
}
