using Course.Chapters.Infrastructure;
using Course.Core.Runtime;
using Course.Core.Seq2Seq;
using static TorchSharp.torch;

namespace Course.Chapters.Ch09_ModernRecurrentNeuralNetworks;

/// <summary>
/// 9.6 The encoder–decoder architecture: d2l's <c>Encoder</c>, <c>Decoder</c> and <c>EncoderDecoder</c> interfaces
/// (Course.Core.Seq2Seq). The book only defines them; this walks one batch through the pieces, using 9.7's RNN
/// encoder and decoder (vocabulary 10, embedding 8, 16 hidden units, 2 layers) as the concrete pair.
/// </summary>
[Section("encoder-decoder", "9.6", "Encoder-decoder architecture")]
public sealed class EncoderDecoderArchitecture : ISection
{
    /// <inheritdoc />
    public void Run(RunContext ctx)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var net = new EncoderDecoder(new Seq2SeqEncoder(10, 8, 16, 2), new Seq2SeqDecoder(10, 8, 16, 2));
        net.eval();
        var (sourceX, targetX) = (zeros([4, 7], dtype: int64), zeros([4, 5], dtype: int64));
        ctx.Out.WriteLine($"enc_X {Printing.Shape(sourceX)}, dec_X {Printing.Shape(targetX)}");
        var encoderOutputs = net.encoder.call(sourceX, null);
        ctx.Out.WriteLine($"encoder(enc_X) -> [{string.Join(", ", encoderOutputs.Select(Printing.Shape))}]");
        var state = net.decoder.InitState(encoderOutputs, null);
        ctx.Out.WriteLine($"decoder.init_state(enc_outputs) -> [{string.Join(", ", state.Select(s => Printing.Shape(s!)))}]");
        var (output, next) = net.decoder.call(targetX, state);
        ctx.Out.WriteLine($"decoder(dec_X, state) -> {Printing.Shape(output)}, state [{string.Join(", ", next.Select(s => Printing.Shape(s!)))}]");
        var (whole, _) = net.call(sourceX, targetX, null);
        ctx.Out.WriteLine($"EncoderDecoder(enc_X, dec_X) -> {Printing.Shape(whole)}, equal to the above: {whole.allclose(output)}");
    }
}
