using Course.Core.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Course.Chapters.Ch08_RecurrentNeuralNetworks;

/// <summary>
/// What the from-scratch language models of 8.5, 9.1 and 9.2 share (d2l's <c>RNNModelScratch</c>): one-hot inputs,
/// a cell applied step by step over time, and the output layer Y_t = H_t W_hq + b_q. Subclasses hold the cell's
/// parameters and define one step.
/// </summary>
public abstract class ScratchRecurrentModel : RecurrentLanguageModel
{
    /// <summary>Hidden-to-output weights (hiddens, vocab).</summary>
    public readonly Parameter W_hq;

    /// <summary>Output bias.</summary>
    public readonly Parameter b_q;

    private readonly int _vocabSize;

    /// <summary>Creates the output layer; the subclass creates its cell and then calls <c>RegisterComponents()</c>.</summary>
    protected ScratchRecurrentModel(string name, int vocabSize, int numHiddens) : base(name)
    {
        (_vocabSize, NumHiddens) = (vocabSize, numHiddens);
        W_hq = Normal(numHiddens, vocabSize);
        b_q = nn.Parameter(zeros(vocabSize));
    }

    /// <summary>Hidden units.</summary>
    public int NumHiddens { get; }

    /// <inheritdoc />
    public override int VocabSize => _vocabSize;

    /// <summary>d2l's parameter initialisation: a weight drawn from N(0, 0.01²).</summary>
    protected static Parameter Normal(params long[] shape) => nn.Parameter(randn(shape) * 0.01);

    /// <summary>One time step of the cell: inputs x (batch, vocab) and the state to the new state, whose first tensor is H.</summary>
    protected abstract Tensor[] Step(Tensor x, Tensor[] state);

    /// <inheritdoc />
    public override (Tensor Output, Tensor[] State) forward(Tensor X, Tensor[] state)
    {
        var inputs = nn.functional.one_hot(X.T, _vocabSize).to(get_default_dtype());
        var outputs = new List<Tensor>();
        for (long t = 0; t < inputs.shape[0]; t++)
        {
            state = Step(inputs[t], state);
            outputs.Add(mm(state[0], W_hq) + b_q);
        }
        return (cat(outputs, 0), state);
    }
}
