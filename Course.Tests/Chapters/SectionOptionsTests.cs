using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using Course.Chapters.Infrastructure;
using Course.Core.Runtime;
using Course.Core.Seq2Seq;
using Course.Core.Training;
using NUnit.Framework;

namespace Course.Tests.Chapters;

/// <summary>
/// Every section declares exactly the options its code reads: a walk over the IL that its <c>Run</c> can reach in
/// Course.Chapters and Course.Core (calls, constructors, lambdas) finds each read of a <see cref="SectionOptions"/>
/// option of <see cref="RunOptions"/> and whether it trains with a shared trainer, which takes <c>--checkpoint</c>.
/// </summary>
public sealed class SectionOptionsTests
{
    private static readonly Dictionary<string, SectionOptions> OptionOfGetter = new()
    {
        ["get_" + nameof(RunOptions.Epochs)] = SectionOptions.Epochs,
        ["get_" + nameof(RunOptions.BatchSize)] = SectionOptions.BatchSize,
        ["get_" + nameof(RunOptions.LearningRate)] = SectionOptions.LearningRate,
        ["get_" + nameof(RunOptions.Limit)] = SectionOptions.Limit,
        ["get_" + nameof(RunOptions.Resize)] = SectionOptions.Resize,
        ["get_" + nameof(RunOptions.CheckpointDir)] = SectionOptions.Checkpoint,
        ["get_" + nameof(RunOptions.Weights)] = SectionOptions.Weights,
    };

    private static readonly Type[] SharedTrainers = [typeof(ClassifierTrainer), typeof(RegressionTrainer), typeof(LanguageModelTrainer), typeof(Seq2SeqTrainer)];

    private static readonly Assembly[] OurAssemblies = [typeof(SectionCatalog).Assembly, typeof(RunContext).Assembly];

    private static readonly (OpCode[] OneByte, OpCode[] TwoByte) OpCodeTables = BuildOpCodeTables();

    private static IEnumerable<string> SectionIds() => SectionCatalog.All.Select(s => s.Id);

    [TestCaseSource(nameof(SectionIds))]
    public void DeclaresExactlyTheOptionsItReads(string id)
    {
        var (info, section) = SectionCatalog.Find(id);
        var (reads, trains) = Reach(section.GetType().GetMethod(nameof(ISection.Run), [typeof(RunContext)])!);
        var expected = reads | (trains ? OptionSets.Trains : SectionOptions.None);
        Assert.That(info.Options, Is.EqualTo(expected),
            $"{id} declares {info.Options}; its code reads {reads}{(trains ? " and trains with a shared trainer (--checkpoint, --weights)" : "")}.");
        Assert.That(reads.HasFlag(SectionOptions.Weights), Is.EqualTo(trains),
            $"{id}: a section that trains gives every training its ctx.Weights(name) (--weights in, <name>.safetensors out).");
    }

    [Test]
    public void TheWalkFollowsHelpersAndLambdas()
    {
        // 7.6 reads every option only through CnnRun, InputResolution and FashionMnistClassification.
        var (reads, trains) = Reach(typeof(Course.Chapters.Ch07_ModernConvolutionalNetworks.ResNetSection).GetMethod(nameof(ISection.Run), [typeof(RunContext)])!);
        Assert.That(reads, Is.EqualTo(SectionOptions.All));
        Assert.That(trains);
    }

    /// <summary>The options that <paramref name="run"/> can read, and whether it can fit a shared trainer.</summary>
    private static (SectionOptions Reads, bool Trains) Reach(MethodBase run)
    {
        var reads = SectionOptions.None;
        bool trains = false;
        var seen = new HashSet<MethodBase>();
        var pending = new Stack<MethodBase>([run]);
        while (pending.TryPop(out var method))
        {
            if (!seen.Add(method)) continue;
            foreach (var callee in Callees(method))
            {
                if (callee.DeclaringType == typeof(RunOptions) && OptionOfGetter.TryGetValue(callee.Name, out var option)) reads |= option;
                else if (callee.Name == "Fit" && SharedTrainers.Contains(callee.DeclaringType)) trains = true;
                else if (OurAssemblies.Contains(callee.Module.Assembly)) pending.Push(Definition(callee));

                // A closure, iterator or async state machine: its methods run later, through a delegate or an interface.
                if (callee is ConstructorInfo { DeclaringType: { } type } && type.IsDefined(typeof(CompilerGeneratedAttribute)) && OurAssemblies.Contains(type.Assembly))
                {
                    foreach (var member in type.GetMethods(BindingFlags.DeclaredOnly | BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic))
                        pending.Push(member);
                }
            }
        }
        return (reads, trains);
    }

    /// <summary>The generic definition of a method of our assemblies, so each is walked once.</summary>
    private static MethodBase Definition(MethodBase method) => method.Module.ResolveMethod(method.MetadataToken)!;

    /// <summary>Every method that <paramref name="method"/>'s IL calls, constructs or takes a delegate to.</summary>
    private static IEnumerable<MethodBase> Callees(MethodBase method)
    {
        if (method.GetMethodBody()?.GetILAsByteArray() is not { } il) yield break;
        Type[]? typeArguments = method.DeclaringType is { IsGenericType: true } declaring ? declaring.GetGenericArguments() : null;
        Type[]? methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (int i = 0; i < il.Length;)
        {
            var op = il[i] == 0xFE ? OpCodeTables.TwoByte[il[i + 1]] : OpCodeTables.OneByte[il[i]];
            i += op.Size;
            if (op.OperandType == OperandType.InlineMethod)
                yield return method.Module.ResolveMethod(BitConverter.ToInt32(il, i), typeArguments, methodArguments)!;
            i += op.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, i),
                _ => 4,
            };
        }
    }

    private static (OpCode[] OneByte, OpCode[] TwoByte) BuildOpCodeTables()
    {
        var (oneByte, twoByte) = (new OpCode[256], new OpCode[256]);
        foreach (var field in typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            var op = (OpCode)field.GetValue(null)!;
            if (op.Size == 1) oneByte[(ushort)op.Value] = op;
            else twoByte[(ushort)op.Value & 0xFF] = op;
        }
        return (oneByte, twoByte);
    }
}
