using TorchSharp;
using static TorchSharp.torch;

namespace Course.Core.Seq2Seq;

/// <summary>
/// d2l's <c>Encoder</c> (9.6): token indices X of shape (batch, steps) and their valid lengths (or null) in, the
/// encoder's outputs out, as many tensors as the architecture has (9.7's RNN encoder: its outputs and final state).
/// </summary>
public abstract class Encoder(string name) : nn.Module<Tensor, Tensor?, Tensor[]>(name);

/// <summary>
/// d2l's <c>Decoder</c> (9.6): <see cref="InitState"/> turns the encoder's outputs into the decoder's first state;
/// <c>forward(X, state)</c> maps token indices of shape (batch, steps) and a state to logits of shape
/// (batch, steps, vocabulary) and the next state. The state is a list of tensors whose meaning is the decoder's own;
/// an entry may be null (e.g. absent valid lengths).
/// </summary>
public abstract class Decoder(string name) : nn.Module<Tensor, Tensor?[], (Tensor Output, Tensor?[] State)>(name)
{
    /// <summary>d2l's <c>init_state(enc_outputs, enc_valid_lens)</c>.</summary>
    public abstract Tensor?[] InitState(Tensor[] encoderOutputs, Tensor? encoderValidLens);
}

/// <summary>
/// A model that keeps the attention weights of its last forward call, as d2l's <c>AttentionDecoder</c> (10.4) and
/// <c>TransformerEncoder</c> (10.7) do: one tensor per attention layer, shaped (batch or batch · heads, queries, keys).
/// </summary>
public interface IAttentionWeights
{
    /// <summary>The weights of the last forward call.</summary>
    IReadOnlyList<Tensor> AttentionWeights { get; }
}

/// <summary>d2l's <c>EncoderDecoder</c> (9.6): encode the source, initialise the decoder's state from it, decode the target input.</summary>
public sealed class EncoderDecoder : nn.Module<Tensor, Tensor, Tensor?, (Tensor Output, Tensor?[] State)>
{
    /// <summary>The encoder.</summary>
    public readonly Encoder encoder;

    /// <summary>The decoder.</summary>
    public readonly Decoder decoder;

    /// <summary>Joins <paramref name="encoder"/> and <paramref name="decoder"/>.</summary>
    public EncoderDecoder(Encoder encoder, Decoder decoder) : base(nameof(EncoderDecoder))
    {
        (this.encoder, this.decoder) = (encoder, decoder);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override (Tensor Output, Tensor?[] State) forward(Tensor encoderX, Tensor decoderX, Tensor? encoderValidLens)
    {
        var encoderOutputs = encoder.call(encoderX, encoderValidLens);
        return decoder.call(decoderX, decoder.InitState(encoderOutputs, encoderValidLens));
    }
}
