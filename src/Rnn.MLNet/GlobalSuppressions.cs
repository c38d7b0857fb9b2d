using System.Diagnostics.CodeAnalysis;

// ML.NET names its types and members this way; programs written for ML.NET must read the same.
[assembly: SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "ML.NET names: NumberDataViewType.Single, Double, Int32...")]
[assembly: SuppressMessage("Design", "CA1034:Nested types should not be visible", Justification = "ML.NET nests DataViewSchema.Column, catalogs' Trainers, etc.")]
[assembly: SuppressMessage("Naming", "CA1710:Identifiers should have correct suffix", Justification = "ML.NET names: DataViewSchema, SchemaShape, TransformerChain.")]
[assembly: SuppressMessage("Design", "CA1024:Use properties where appropriate", Justification = "ML.NET names: GetRowCount, GetValues, GetIndices.")]
[assembly: SuppressMessage("Performance", "CA1815:Override equals and operator equals on value types", Justification = "ML.NET value types (VBuffer, Column) have reference-like semantics.")]
[assembly: SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "ML.NET names.")]
[assembly: SuppressMessage("Performance", "CA1822:Mark members as static", Justification = "ML.NET's catalog methods are instance methods reached through MLContext.", Scope = "type", Target = "~T:Rnn.MLNet.DataOperationsCatalog")]
[assembly: SuppressMessage("Performance", "CA1822:Mark members as static", Justification = "ML.NET's catalog methods are instance methods reached through MLContext.", Scope = "type", Target = "~T:Rnn.MLNet.ModelOperationsCatalog")]
[assembly: SuppressMessage("Performance", "CA1822:Mark members as static", Justification = "ML.NET's catalog methods are instance methods reached through MLContext.", Scope = "type", Target = "~T:Rnn.MLNet.BinaryClassificationCatalog")]
[assembly: SuppressMessage("Performance", "CA1822:Mark members as static", Justification = "ML.NET's catalog methods are instance methods reached through MLContext.", Scope = "type", Target = "~T:Rnn.MLNet.MulticlassClassificationCatalog")]
[assembly: SuppressMessage("Performance", "CA1822:Mark members as static", Justification = "ML.NET's catalog methods are instance methods reached through MLContext.", Scope = "type", Target = "~T:Rnn.MLNet.RegressionCatalog")]
