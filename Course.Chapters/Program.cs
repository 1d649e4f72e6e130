using System.Globalization;
using System.Text;
using Course.Chapters.Infrastructure;
using Course.Core.Runtime;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
// The book's ×, – and → need UTF-8; a Windows console starts in its legacy code page.
try
{
    Console.OutputEncoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
}
catch (IOException)
{
    // No console to set (a redirected handle on some systems): text goes out as the platform writes it.
}
NativeHeap.KeepFreedBlocks();
return CommandLine.Invoke(args, Console.Out, Console.Error);
