using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using Course.Chapters.Infrastructure;
using Course.Core.Runtime;
using NUnit.Framework;

namespace Course.Tests.Architecture;

/// <summary>
/// Course.Core holds only what the sections share: every public type in it is used by Course.Chapters, directly (a
/// type reference in <c>course.dll</c>) or through Core code a section uses (a signature or method body of a used Core
/// type). Code only the exercise answers need lives in Course.Exercises.
/// </summary>
public sealed class CoreTests
{
    private static readonly Assembly Core = typeof(RunContext).Assembly;
    private static readonly Assembly Chapters = typeof(SectionCatalog).Assembly;

    [Test]
    public void EveryPublicCoreTypeIsUsedByTheSections()
    {
        var used = Used();
        var unused = Core.GetExportedTypes().Select(t => t.FullName!).Where(name => !used.Contains(name)).Order(StringComparer.Ordinal);
        Assert.That(unused, Is.Empty, "public in Course.Core, but no section uses it: move it to Course.Exercises (or where its user is)");
    }

    [Test]
    public void TheScanSeesTypesUsedOnlyThroughCore()
    {
        var used = Used();
        Assert.That(used, Does.Contain("Course.Core.Runtime.RunContext"), "named by every section");
        Assert.That(used, Does.Contain("Course.Core.Training.DeviceSums"), "used only inside the trainers");
        Assert.That(used, Does.Contain("Course.Core.Data.IdxReader"), "used only by FashionMnist");
        Assert.That(used, Does.Not.Contain("Course.Exercises.Training.KMeans"));
    }

    /// <summary>The full names of the Core types Chapters refers to, and of every Core type those use, transitively.</summary>
    private static HashSet<string> Used()
    {
        string coreName = Core.GetName().Name!;
        var used = new HashSet<string>(StringComparer.Ordinal);
        using (var chapters = new PEReader(File.OpenRead(Chapters.Location)))
        {
            var metadata = chapters.GetMetadataReader();
            foreach (var handle in metadata.TypeReferences)
                if (ReferenceName(metadata, handle) is { Assembly: var scope, Name: var name } && scope == coreName) used.Add(name);
        }
        using var core = new PEReader(File.OpenRead(Core.Location));
        var edges = CoreEdges(core);
        var queue = new Queue<string>(used);
        while (queue.TryDequeue(out var type))
            foreach (var next in edges.GetValueOrDefault(type, []))
                if (used.Add(next)) queue.Enqueue(next);
        return used;
    }

    private static (string? Assembly, string Name) ReferenceName(MetadataReader metadata, TypeReferenceHandle handle)
    {
        var reference = metadata.GetTypeReference(handle);
        string name = metadata.GetString(reference.Name);
        if (reference.ResolutionScope.Kind == HandleKind.TypeReference)
        {
            var (assembly, outer) = ReferenceName(metadata, (TypeReferenceHandle)reference.ResolutionScope);
            return (assembly, $"{outer}+{name}");
        }
        string ns = metadata.GetString(reference.Namespace);
        string? scope = reference.ResolutionScope.Kind == HandleKind.AssemblyReference
            ? metadata.GetString(metadata.GetAssemblyReference((AssemblyReferenceHandle)reference.ResolutionScope).Name)
            : null;
        return (scope, ns.Length == 0 ? name : $"{ns}.{name}");
    }

    private static string DefinitionName(MetadataReader metadata, TypeDefinitionHandle handle)
    {
        var definition = metadata.GetTypeDefinition(handle);
        string name = metadata.GetString(definition.Name);
        var outer = definition.GetDeclaringType();
        if (!outer.IsNil) return $"{DefinitionName(metadata, outer)}+{name}";
        string ns = metadata.GetString(definition.Namespace);
        return ns.Length == 0 ? name : $"{ns}.{name}";
    }

    /// <summary>For each type defined in Core (a nested type counts as part of the type it is nested in), the Core types its signatures and method bodies name.</summary>
    private static Dictionary<string, HashSet<string>> CoreEdges(PEReader pe)
    {
        var metadata = pe.GetMetadataReader();
        var edges = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var handle in metadata.TypeDefinitions)
        {
            var found = new Collector(metadata);
            var type = metadata.GetTypeDefinition(handle);
            found.Entity(type.BaseType);
            foreach (var i in type.GetInterfaceImplementations()) found.Entity(metadata.GetInterfaceImplementation(i).Interface);
            foreach (var f in type.GetFields()) metadata.GetFieldDefinition(f).DecodeSignature(found, null);
            foreach (var p in type.GetProperties()) metadata.GetPropertyDefinition(p).DecodeSignature(found, null);
            foreach (var m in type.GetMethods())
            {
                var method = metadata.GetMethodDefinition(m);
                method.DecodeSignature(found, null);
                if (method.RelativeVirtualAddress != 0) found.Body(pe.GetMethodBody(method.RelativeVirtualAddress));
            }
            foreach (var a in type.GetCustomAttributes()) found.Entity(metadata.GetCustomAttribute(a).Constructor);
            // Edges run from the outermost type: a section using a type uses its nested helpers (closures, state machines).
            var outer = handle;
            while (!metadata.GetTypeDefinition(outer).GetDeclaringType().IsNil) outer = metadata.GetTypeDefinition(outer).GetDeclaringType();
            string from = DefinitionName(metadata, outer);
            if (!edges.TryGetValue(from, out var set)) edges[from] = set = new HashSet<string>(StringComparer.Ordinal);
            set.UnionWith(found.Types.Select(t => DefinitionName(metadata, t)));
            if (outer != handle) edges.TryAdd(DefinitionName(metadata, handle), set);
        }
        return edges;
    }

    /// <summary>Collects the Core type definitions named by signatures and IL tokens.</summary>
    private sealed class Collector(MetadataReader metadata) : ISignatureTypeProvider<bool, object?>
    {
        private static readonly Dictionary<short, OperandType> Operands = typeof(OpCodes)
            .GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => (OpCode)f.GetValue(null)!)
            .ToDictionary(o => o.Value, o => o.OperandType);

        public HashSet<TypeDefinitionHandle> Types { get; } = [];

        public void Body(MethodBodyBlock body)
        {
            if (!body.LocalSignature.IsNil)
                metadata.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(this, null);
            var il = body.GetILReader();
            while (il.RemainingBytes > 0)
            {
                short code = il.ReadByte();
                if (code == 0xFE) code = unchecked((short)(0xFE00 | il.ReadByte()));
                switch (Operands[code])
                {
                    case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineTok or OperandType.InlineType:
                        Entity(MetadataTokens.EntityHandle(il.ReadInt32()));
                        break;
                    case OperandType.InlineSwitch:
                        il.Offset += 4 * il.ReadInt32();
                        break;
                    case OperandType.InlineI8 or OperandType.InlineR:
                        il.Offset += 8;
                        break;
                    case OperandType.InlineBrTarget or OperandType.InlineI or OperandType.InlineSig or OperandType.InlineString or OperandType.ShortInlineR:
                        il.Offset += 4;
                        break;
                    case OperandType.InlineVar:
                        il.Offset += 2;
                        break;
                    case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                        il.Offset += 1;
                        break;
                }
            }
        }

        public void Entity(EntityHandle handle)
        {
            if (handle.IsNil) return;
            switch (handle.Kind)
            {
                case HandleKind.TypeDefinition:
                    Types.Add((TypeDefinitionHandle)handle);
                    break;
                case HandleKind.TypeSpecification:
                    metadata.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(this, null);
                    break;
                case HandleKind.MethodDefinition:
                    Types.Add(metadata.GetMethodDefinition((MethodDefinitionHandle)handle).GetDeclaringType());
                    break;
                case HandleKind.FieldDefinition:
                    Types.Add(metadata.GetFieldDefinition((FieldDefinitionHandle)handle).GetDeclaringType());
                    break;
                case HandleKind.MemberReference:
                    Entity(metadata.GetMemberReference((MemberReferenceHandle)handle).Parent);
                    break;
                case HandleKind.MethodSpecification:
                    var spec = metadata.GetMethodSpecification((MethodSpecificationHandle)handle);
                    Entity(spec.Method);
                    spec.DecodeSignature(this, null);
                    break;
            }
        }

        public bool GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => Types.Add(handle);
        public bool GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind)
        {
            reader.GetTypeSpecification(handle).DecodeSignature(this, genericContext);
            return true;
        }
        public bool GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => true;
        public bool GetPrimitiveType(PrimitiveTypeCode typeCode) => true;
        public bool GetSZArrayType(bool elementType) => true;
        public bool GetArrayType(bool elementType, ArrayShape shape) => true;
        public bool GetByReferenceType(bool elementType) => true;
        public bool GetPointerType(bool elementType) => true;
        public bool GetPinnedType(bool elementType) => true;
        public bool GetGenericInstantiation(bool genericType, ImmutableArray<bool> typeArguments) => true;
        public bool GetGenericMethodParameter(object? genericContext, int index) => true;
        public bool GetGenericTypeParameter(object? genericContext, int index) => true;
        public bool GetFunctionPointerType(MethodSignature<bool> signature) => true;
        public bool GetModifiedType(bool modifier, bool unmodifiedType, bool isRequired) => true;
    }
}
