using Course.Chapters.Ch03_LinearNetworks;
using Course.Chapters.Ch04_MultilayerPerceptrons;
using Course.Chapters.Ch06_ConvolutionalNetworks;
using Course.Chapters.Ch07_ModernConvolutionalNetworks;
using Course.Chapters.Ch08_RecurrentNeuralNetworks;
using Course.Chapters.Ch09_ModernRecurrentNeuralNetworks;
using Course.Chapters.Ch10_AttentionMechanisms;
using Course.Core.Seq2Seq;
using Course.Core.Training;
using static TorchSharp.torch;

namespace Course.Tests.Interop;

/// <summary>
/// Every book model of chapters 3–10 that <c>scripts/pytorch_fixtures.py</c> builds with d2l's code, under the same
/// name: how Course builds it (as its section does, at the book's sizes) and how one call of it becomes the list of
/// tensors the script saves (the output, then the state).
/// </summary>
public static class BookModels
{
    /// <summary>One model: its fixture name, Course's build, and its call on the fixture's inputs.</summary>
    public sealed record Entry(string Name, Func<nn.Module> Build, Func<nn.Module, Tensor[], Tensor[]> Call)
    {
        /// <inheritdoc />
        public override string ToString() => Name;
    }

    private const int Vocab = 28, Source = 20, Target = 24, Kaggle = 330;

    private static readonly TransformerSizes Sizes = new(32, 32, 32, 32, [32], 32, 64, 4, 0.1);

    /// <summary>The models, in the script's order.</summary>
    public static readonly Entry[] All =
    [
        Plain("linreg-scratch", () => new LinearRegressionModel(2)),
        Plain("linreg-concise", LinearRegressionConcise.Net),
        Plain("softmax-scratch", () => new SoftmaxRegressionModel()),
        Plain("softmax-concise", SoftmaxRegressionConcise.Net),
        Plain("mlp-scratch", () => new MlpScratchModel()),
        Plain("mlp-concise", MlpConcise.Net),
        Plain("dropout-scratch", () => new DropoutMlp()),
        Plain("dropout-concise", () => DropoutConcise.Net()),
        Plain("underfit-overfit", () => ModelSelection.Net(4)),
        Plain("weight-decay-scratch", () => new LinearRegressionModel(200)),
        Plain("weight-decay-concise", WeightDecay.ConciseNet),
        Plain("kaggle-house", () => KaggleHousePrices.LinearNet(Kaggle)),
        Plain("kaggle-house-deep", () => KaggleHousePricesDeep.Net(Kaggle)),
        Plain("conv-layer", ConvolutionLayer.KernelNet),
        Plain("lenet", () => new LeNet()),
        Plain("alexnet", () => new AlexNet()),
        Plain("vgg", () => new Vgg(Vgg.Small(4))),
        Plain("nin", () => new NiN()),
        Plain("googlenet", () => new GoogLeNet()),
        Plain("batch-norm", () => new BatchNormLeNet(concise: false)),
        Plain("batch-norm-concise", () => new BatchNormLeNet(concise: true)),
        Plain("resnet", () => new ResNet()),
        Plain("densenet", () => new DenseNet()),
        Plain("sequence", SequenceModels.Net),
        Recurrent("rnn-scratch", () => new RnnScratchModel(Vocab, 512)),
        Recurrent("rnn-concise", () => new RnnModel(RecurrentLayer.Rnn, Vocab, 256)),
        Recurrent("gru-scratch", () => new GruScratchModel(Vocab, 256)),
        Recurrent("gru-concise", () => new RnnModel(RecurrentLayer.Gru, Vocab, 256)),
        Recurrent("lstm-scratch", () => new LstmScratchModel(Vocab, 256)),
        Recurrent("lstm-concise", () => new RnnModel(RecurrentLayer.Lstm, Vocab, 256)),
        Recurrent("deep-rnn", () => new RnnModel(RecurrentLayer.Lstm, Vocab, 256, numLayers: 2)),
        Recurrent("bi-rnn", () => new RnnModel(RecurrentLayer.Lstm, Vocab, 256, numLayers: 2, bidirectional: true)),
        Translation("seq2seq", () => new EncoderDecoder(new Seq2SeqEncoder(Source, 32, 32, 2, 0.1), new Seq2SeqDecoder(Target, 32, 32, 2, 0.1)), state => [state[0]!]),
        Translation("bahdanau-attention", () => new EncoderDecoder(new Seq2SeqEncoder(Source, 32, 32, 2, 0.1), new Seq2SeqAttentionDecoder(Target, 32, 32, 2, 0.1)), state => [state[1]!]),
        Translation("transformer", () => new EncoderDecoder(new TransformerEncoder(Source, Sizes, 2), new TransformerDecoder(Target, Sizes, 2)), _ => []),
        new("nadaraya-watson", () => new NWKernelRegression(), (net, x) => [((NWKernelRegression)net).call(x[0], x[1], x[2])]),
    ];

    private static Entry Plain(string name, Func<nn.Module<Tensor, Tensor>> build) =>
        new(name, build, (net, x) => [((nn.Module<Tensor, Tensor>)net).call(x[0])]);

    private static Entry Recurrent(string name, Func<RecurrentLanguageModel> build) =>
        new(name, build, (net, x) =>
        {
            var (Y, state) = ((RecurrentLanguageModel)net).call(x[0], x[1..]);
            return [Y, .. state];
        });

    private static Entry Translation(string name, Func<EncoderDecoder> build, Func<Tensor?[], Tensor[]> state) =>
        new(name, build, (net, x) =>
        {
            var (Y, s) = ((EncoderDecoder)net).call(x[0], x[1], x[2]);
            return [Y, .. state(s)];
        });
}
