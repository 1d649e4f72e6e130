using static TorchSharp.torch;

namespace Course.Core.Training;

/// <summary>
/// What d2l's <c>train_ch8</c> and <c>predict_ch8</c> (8.5) ask of a language model: token indices X of shape
/// (batch, steps) and a recurrent state in, logits of shape (steps · batch, vocabulary) and the new state out, and a
/// fresh state for a batch (<c>begin_state</c>). The state is one tensor for RNNs and GRUs, two (H, C) for LSTMs.
/// </summary>
public abstract class RecurrentLanguageModel(string name) : nn.Module<Tensor, Tensor[], (Tensor Output, Tensor[] State)>(name)
{
    /// <summary>The vocabulary size: the width of the one-hot inputs and of the output logits.</summary>
    public abstract int VocabSize { get; }

    /// <summary>d2l's <c>begin_state</c>: the zero state for <paramref name="batchSize"/> sequences on <paramref name="device"/>.</summary>
    public abstract Tensor[] BeginState(int batchSize, Device device);
}
