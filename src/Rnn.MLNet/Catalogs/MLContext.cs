namespace Rnn.MLNet;

/// <summary>
/// The starting point: catalogs of data operations, transforms, trainers and model operations, and the
/// seed every random operation derives from.
/// </summary>
public sealed class MLContext
{
    private readonly Random _random;
    private readonly Lock _gate = new();

    /// <summary>Creates a context; with a <paramref name="seed"/> every random operation is repeatable.</summary>
    public MLContext(int? seed = null)
    {
        Seed = seed;
        _random = seed is { } s ? new Random(s) : new Random();
        Data = new DataOperationsCatalog(this);
        Transforms = new TransformsCatalog(this);
        Model = new ModelOperationsCatalog(this);
        BinaryClassification = new BinaryClassificationCatalog(this);
        MulticlassClassification = new MulticlassClassificationCatalog(this);
        Regression = new RegressionCatalog(this);
        Forecasting = new ForecastingCatalog(this);
        TextGeneration = new TextGenerationCatalog(this);
    }

    /// <summary>The seed given at construction, or null.</summary>
    public int? Seed { get; }

    /// <summary>Loading, saving, splitting, shuffling and filtering data.</summary>
    public DataOperationsCatalog Data { get; }

    /// <summary>Data transforms.</summary>
    public TransformsCatalog Transforms { get; }

    /// <summary>Saving and loading models, prediction engines.</summary>
    public ModelOperationsCatalog Model { get; }

    /// <summary>Binary classification trainers and evaluation.</summary>
    public BinaryClassificationCatalog BinaryClassification { get; }

    /// <summary>Multiclass classification trainers and evaluation.</summary>
    public MulticlassClassificationCatalog MulticlassClassification { get; }

    /// <summary>Regression trainers and evaluation.</summary>
    public RegressionCatalog Regression { get; }

    /// <summary>Time-series forecasting (estimators come from Rnn.Pipelines as extension methods).</summary>
    public ForecastingCatalog Forecasting { get; }

    /// <summary>Character-level text generation (trainers come from Rnn.Pipelines as extension methods).</summary>
    public TextGenerationCatalog TextGeneration { get; }

    /// <summary>
    /// The next seed of this context's sequence: repeatable for a seeded context (components created in the
    /// same order get the same seeds), random otherwise. Trainers use it when their options give no seed.
    /// </summary>
    public int NextSeed()
    {
        lock (_gate)
            return _random.Next();
    }
}

/// <summary>Base of every catalog: the context it belongs to, for extension methods in other assemblies.</summary>
public abstract class CatalogBase
{
    /// <summary>Creates a catalog of <paramref name="context"/>.</summary>
    protected CatalogBase(MLContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Context = context;
    }

    /// <summary>The context; extension methods read <see cref="MLContext.Seed"/> and <see cref="MLContext.NextSeed"/> through it.</summary>
    public MLContext Context { get; }
}

/// <summary>Binary classification: <see cref="Trainers"/> (extended by other assemblies) and evaluation.</summary>
public sealed partial class BinaryClassificationCatalog : CatalogBase
{
    internal BinaryClassificationCatalog(MLContext context) : base(context) => Trainers = new BinaryClassificationTrainers(context);

    /// <summary>The trainers; add one with an extension method on <see cref="BinaryClassificationTrainers"/>.</summary>
    public BinaryClassificationTrainers Trainers { get; }

    /// <summary>Binary classification trainers.</summary>
    public sealed class BinaryClassificationTrainers : CatalogBase
    {
        internal BinaryClassificationTrainers(MLContext context) : base(context) { }
    }
}

/// <summary>Multiclass classification: <see cref="Trainers"/> (extended by other assemblies) and evaluation.</summary>
public sealed partial class MulticlassClassificationCatalog : CatalogBase
{
    internal MulticlassClassificationCatalog(MLContext context) : base(context) => Trainers = new MulticlassClassificationTrainers(context);

    /// <summary>The trainers; add one with an extension method on <see cref="MulticlassClassificationTrainers"/>.</summary>
    public MulticlassClassificationTrainers Trainers { get; }

    /// <summary>Multiclass classification trainers.</summary>
    public sealed class MulticlassClassificationTrainers : CatalogBase
    {
        internal MulticlassClassificationTrainers(MLContext context) : base(context) { }
    }
}

/// <summary>Regression: <see cref="Trainers"/> (extended by other assemblies) and evaluation.</summary>
public sealed partial class RegressionCatalog : CatalogBase
{
    internal RegressionCatalog(MLContext context) : base(context) => Trainers = new RegressionTrainers(context);

    /// <summary>The trainers; add one with an extension method on <see cref="RegressionTrainers"/>.</summary>
    public RegressionTrainers Trainers { get; }

    /// <summary>Regression trainers.</summary>
    public sealed class RegressionTrainers : CatalogBase
    {
        internal RegressionTrainers(MLContext context) : base(context) { }
    }
}

/// <summary>Time-series forecasting; its estimators are extension methods (ForecastByRecurrent in Rnn.Pipelines).</summary>
public sealed class ForecastingCatalog : CatalogBase
{
    internal ForecastingCatalog(MLContext context) : base(context) { }
}
