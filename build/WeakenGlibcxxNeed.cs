using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

/// <summary>
/// Sets VER_FLG_WEAK on one version need of an ELF64 little-endian shared library when the machine's
/// libstdc++ does not define that version. Idempotent; leaves the file untouched when nothing is needed.
/// </summary>
public sealed class WeakenGlibcxxNeed : Task
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlgWeak = 0x2;

    [Required] public string Library { get; set; } = "";
    [Required] public string Version { get; set; } = "";

    public override bool Execute()
    {
        if (SystemLibstdcxxDefines(Version))
        {
            Log.LogMessage(MessageImportance.Low, $"libstdc++ defines {Version}; {Library} needs no change.");
            return true;
        }

        byte[] elf = File.ReadAllBytes(Library);
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F' || elf[4] != 2 || elf[5] != 1)
        {
            Log.LogError($"{Library} is not a 64-bit little-endian ELF file.");
            return false;
        }

        long shoff = (long)BitConverter.ToUInt64(elf, 0x28);
        int shentsize = BitConverter.ToUInt16(elf, 0x3a);
        int shnum = BitConverter.ToUInt16(elf, 0x3c);
        for (int i = 0; i < shnum; i++)
        {
            long sh = shoff + (long)i * shentsize;
            if (BitConverter.ToUInt32(elf, (int)sh + 4) != ShtGnuVerneed) continue;

            long offset = (long)BitConverter.ToUInt64(elf, (int)sh + 0x18);
            int link = (int)BitConverter.ToUInt32(elf, (int)sh + 0x28);
            long strtab = (long)BitConverter.ToUInt64(elf, (int)(shoff + (long)link * shentsize) + 0x18);
            return Weaken(elf, offset, strtab);
        }

        Log.LogMessage(MessageImportance.Low, $"{Library} has no version-needs section.");
        return true;
    }

    private bool Weaken(byte[] elf, long verneed, long strtab)
    {
        for (long need = verneed; ; )
        {
            int count = BitConverter.ToUInt16(elf, (int)need + 2);
            long aux = need + BitConverter.ToUInt32(elf, (int)need + 8);
            for (int j = 0; j < count; j++)
            {
                string name = CString(elf, strtab + BitConverter.ToUInt32(elf, (int)aux + 8));
                int flagsAt = (int)aux + 4;
                ushort flags = BitConverter.ToUInt16(elf, flagsAt);
                if (name == Version && (flags & VerFlgWeak) == 0)
                {
                    BitConverter.GetBytes((ushort)(flags | VerFlgWeak)).CopyTo(elf, flagsAt);
                    File.WriteAllBytes(Library, elf);
                    Log.LogMessage(MessageImportance.High, $"Marked the {Version} need of {Path.GetFileName(Library)} weak (this libstdc++ lacks it).");
                    return true;
                }
                aux += BitConverter.ToUInt32(elf, (int)aux + 12);
            }
            uint next = BitConverter.ToUInt32(elf, (int)need + 12);
            if (next == 0) return true;
            need += next;
        }
    }

    private static string CString(byte[] bytes, long start)
    {
        int end = (int)start;
        while (bytes[end] != 0) end++;
        return Encoding.ASCII.GetString(bytes, (int)start, end - (int)start);
    }

    private static bool SystemLibstdcxxDefines(string version)
    {
        string[] candidates =
        {
            "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6",
            "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6",
        };
        byte[] marker = Encoding.ASCII.GetBytes(version + "\0");
        foreach (string path in candidates)
        {
            if (File.Exists(path)) return Contains(File.ReadAllBytes(path), marker);
        }
        return false;
    }

    private static bool Contains(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= haystack.Length; i++)
        {
            int k = 0;
            while (k < needle.Length && haystack[i + k] == needle[k]) k++;
            if (k == needle.Length) return true;
        }
        return false;
    }
}
