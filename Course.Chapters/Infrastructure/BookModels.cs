using Course.Chapters.Ch03_LinearNetworks;
using Course.Chapters.Ch04_MultilayerPerceptrons;
using Course.Chapters.Ch06_ConvolutionalNetworks;
using Course.Chapters.Ch07_ModernConvolutionalNetworks;
using Course.Chapters.Ch08_RecurrentNeuralNetworks;
using Course.Chapters.Ch09_ModernRecurrentNeuralNetworks;
using Course.Chapters.Ch10_AttentionMechanisms;
using Course.Chapters.Ch11_OptimizationAlgorithms;
using Course.Core.Seq2Seq;
using Course.Core.Training;
using static TorchSharp.torch;

namespace Course.Chapters.Infrastructure;

/// <summary>
/// Every book model of chapters 3–11, under the name <c>scripts/pytorch_fixtures.py</c> gives d2l's code for it: how
/// Course builds it (as its section does, at the book's sizes), an example input of batch 2 at the book's shapes (the
/// script's inputs, but batch 2 everywhere: a batch of 1 takes other kernels), and how one call of it becomes a list of
/// tensors (the output, then the state). The parity tests and <c>course doctor</c> use it.
/// </summary>
public static class BookModels
{
    /// <summary>One model: its fixture name, Course's build, an example input, and its call on such inputs.</summary>
    public sealed record Entry(string Name, Func<nn.Module> Build, Func<Tensor[]> Example, Func<nn.Module, Tensor[], Tensor[]> Call)
    {
        /// <inheritdoc />
        public override string ToString() => Name;
    }

    private const int Vocab = 28, Source = 20, Target = 24, Steps = 10, Kaggle = 330, Batch = 2;

    private static readonly TransformerSizes Sizes = new(32, 32, 32, 32, [32], 32, 64, 4, 0.1);

    /// <summary>The models, in the script's order.</summary>
    public static readonly Entry[] All =
    [
        Plain("linreg-scratch", () => new LinearRegressionModel(2), Features(2)),
        Plain("linreg-concise", LinearRegressionConcise.Net, Features(2)),
        Plain("softmax-scratch", () => new SoftmaxRegressionModel(), Images(28)),
        Plain("softmax-concise", SoftmaxRegressionConcise.Net, Images(28)),
        Plain("mlp-scratch", () => new MlpScratchModel(), Images(28)),
        Plain("mlp-concise", MlpConcise.Net, Images(28)),
        Plain("dropout-scratch", () => new DropoutMlp(), Images(28)),
        Plain("dropout-concise", () => DropoutConcise.Net(), Images(28)),
        Plain("underfit-overfit", () => ModelSelection.Net(4), Features(4)),
        Plain("weight-decay-scratch", () => new LinearRegressionModel(200), Features(200)),
        Plain("weight-decay-concise", WeightDecay.ConciseNet, Features(200)),
        Plain("kaggle-house", () => KaggleHousePrices.LinearNet(Kaggle), Features(Kaggle)),
        Plain("kaggle-house-deep", () => KaggleHousePricesDeep.Net(Kaggle), Features(Kaggle)),
        Plain("conv-layer", ConvolutionLayer.KernelNet, () => [rand(1, 1, 6, 8)]),
        Plain("lenet", () => new LeNet(), Images(28)),
        Plain("alexnet", () => new AlexNet(), Images(224)),
        Plain("vgg", () => new Vgg(Vgg.Small(4)), Images(224)),
        Plain("nin", () => new NiN(), Images(224)),
        Plain("googlenet", () => new GoogLeNet(), Images(96)),
        Plain("batch-norm", () => new BatchNormLeNet(concise: false), Images(28)),
        Plain("batch-norm-concise", () => new BatchNormLeNet(concise: true), Images(28)),
        Plain("resnet", () => new ResNet(), Images(96)),
        Plain("densenet", () => new DenseNet(), Images(96)),
        Plain("sequence", SequenceModels.Net, Features(4)),
        Recurrent("rnn-scratch", () => new RnnScratchModel(Vocab, 512), ScratchState(512)),
        Recurrent("rnn-concise", () => new RnnModel(RecurrentLayer.Rnn, Vocab, 256), ConciseState(1, parts: 1)),
        Recurrent("gru-scratch", () => new GruScratchModel(Vocab, 256), ScratchState(256)),
        Recurrent("gru-concise", () => new RnnModel(RecurrentLayer.Gru, Vocab, 256), ConciseState(1, parts: 1)),
        Recurrent("lstm-scratch", () => new LstmScratchModel(Vocab, 256), ScratchState(256, 256)),
        Recurrent("lstm-concise", () => new RnnModel(RecurrentLayer.Lstm, Vocab, 256), ConciseState(1, parts: 2)),
        Recurrent("deep-rnn", () => new RnnModel(RecurrentLayer.Lstm, Vocab, 256, numLayers: 2), ConciseState(2, parts: 2)),
        Recurrent("bi-rnn", () => new RnnModel(RecurrentLayer.Lstm, Vocab, 256, numLayers: 2, bidirectional: true), ConciseState(4, parts: 2)),
        Translation("seq2seq", () => new EncoderDecoder(new Seq2SeqEncoder(Source, 32, 32, 2, 0.1), new Seq2SeqDecoder(Target, 32, 32, 2, 0.1)), state => [state[0]!]),
        Translation("bahdanau-attention", () => new EncoderDecoder(new Seq2SeqEncoder(Source, 32, 32, 2, 0.1), new Seq2SeqAttentionDecoder(Target, 32, 32, 2, 0.1)), state => [state[1]!]),
        Translation("transformer", () => new EncoderDecoder(new TransformerEncoder(Source, Sizes, 2), new TransformerDecoder(Target, Sizes, 2)), _ => []),
        new("nadaraya-watson", () => new NWKernelRegression(), () => [rand(5) * 5, rand(5, 4) * 5, randn(5, 4)], (net, x) => [((NWKernelRegression)net).call(x[0], x[1], x[2])]),
        Plain("lr-scheduler", () => new ModernLeNet(), Images(28)),
    ];

    private static Func<Tensor[]> Images(int side) => () => [rand(Batch, 1, side, side)];

    private static Func<Tensor[]> Features(int count) => () => [randn(Batch, count)];

    /// <summary>Tokens of the time machine's vocabulary and a from-scratch model's state: one (batch, hiddens) tensor per size.</summary>
    private static Func<Tensor[]> ScratchState(params int[] hiddens) => () =>
        [randint(0, Vocab, [Batch, 5]), .. hiddens.Select(h => randn(Batch, h) * 0.1)];

    /// <summary>Tokens and <c>nn.RNN</c>'s state: <paramref name="parts"/> (layers, batch, 256) tensors (two for an LSTM).</summary>
    private static Func<Tensor[]> ConciseState(int layers, int parts) => () =>
        [randint(0, Vocab, [Batch, 5]), .. Enumerable.Range(0, parts).Select(_ => randn(layers, Batch, 256) * 0.1)];

    private static Tensor[] Sentences() => [randint(0, Source, [Batch, Steps]), randint(0, Target, [Batch, Steps]), tensor(new long[] { Steps, 6 })];

    private static Entry Plain(string name, Func<nn.Module<Tensor, Tensor>> build, Func<Tensor[]> example) =>
        new(name, build, example, (net, x) => [((nn.Module<Tensor, Tensor>)net).call(x[0])]);

    private static Entry Recurrent(string name, Func<RecurrentLanguageModel> build, Func<Tensor[]> example) =>
        new(name, build, example, (net, x) =>
        {
            var (Y, state) = ((RecurrentLanguageModel)net).call(x[0], x[1..]);
            return [Y, .. state];
        });

    private static Entry Translation(string name, Func<EncoderDecoder> build, Func<Tensor?[], Tensor[]> state) =>
        new(name, build, Sentences, (net, x) =>
        {
            var (Y, s) = ((EncoderDecoder)net).call(x[0], x[1], x[2]);
            return [Y, .. state(s)];
        });
}
