using Course.Core.Runtime;

namespace Course.Chapters.Infrastructure;

/// <summary>The <see cref="SectionAttribute.Options"/> that many sections share.</summary>
public static class OptionSets
{
    /// <summary>What every training takes: <c>--checkpoint</c> and <c>--weights</c> (a shared trainer's <c>Checkpoint</c> and <c>Weights</c>).</summary>
    public const SectionOptions Trains = SectionOptions.Checkpoint | SectionOptions.Weights;

    /// <summary>A section that trains with a shared trainer (<c>ClassifierTrainer</c>, <c>RegressionTrainer</c>, <c>LanguageModelTrainer</c>, <c>Seq2SeqTrainer</c>).</summary>
    public const SectionOptions Training = SectionOptions.Epochs | SectionOptions.BatchSize | SectionOptions.LearningRate | Trains;

    /// <summary>A Fashion-MNIST classifier (3.6, 3.7, 4.2, 4.3, 4.6, 6.6, chapter 7): <see cref="Training"/>, <c>--limit</c> and <c>--resize</c>.</summary>
    public const SectionOptions FashionMnistClassifier = Training | SectionOptions.Limit | SectionOptions.Resize;
}
