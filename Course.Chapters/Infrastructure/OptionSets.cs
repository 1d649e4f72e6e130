using Course.Core.Runtime;

namespace Course.Chapters.Infrastructure;

/// <summary>The <see cref="SectionAttribute.Options"/> that many sections share.</summary>
public static class OptionSets
{
    /// <summary>What every training takes: <c>--checkpoint</c> and <c>--weights</c> (a shared trainer's <c>Checkpoint</c> and <c>Weights</c>).</summary>
    public const SectionOptions Trains = SectionOptions.Checkpoint | SectionOptions.Weights;

    /// <summary>A section that trains with a shared trainer (<c>ClassifierTrainer</c>, <c>RegressionTrainer</c>, <c>LanguageModelTrainer</c>, <c>Seq2SeqTrainer</c>).</summary>
    public const SectionOptions Training = SectionOptions.Epochs | SectionOptions.BatchSize | SectionOptions.LearningRate | Trains;

    /// <summary>A Fashion-MNIST classifier of 28×28 images (3.6, 3.7, 4.2, 4.3, 4.6, 6.6): <see cref="Training"/> and <c>--limit</c>.</summary>
    public const SectionOptions FashionMnistClassifier = Training | SectionOptions.Limit;

    /// <summary>A chapter 7 network, built for the input resolution: <see cref="FashionMnistClassifier"/> and <c>--resize</c>.</summary>
    public const SectionOptions ResizableClassifier = FashionMnistClassifier | SectionOptions.Resize;
}
