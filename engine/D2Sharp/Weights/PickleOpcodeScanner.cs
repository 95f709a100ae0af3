using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace D2Sharp.Weights;

/// <summary>
/// Walks a pickle's opcode stream without building any object and refuses it unless every global
/// it names is on <see cref="PickleGlobalAllowlist"/> and everything it calls is an allowed callable.
/// Razorvine.Pickle has no hook for globals, so this is the gate that runs before it.
/// </summary>
/// <remarks>
/// The walk keeps a symbolic stack and memo (strings, globals, marks, anything else) so that
/// <c>STACK_GLOBAL</c> resolves its module and name even when they come from the memo, and so that
/// <c>REDUCE</c>/<c>NEWOBJ</c>/<c>OBJ</c> can be checked against what they would call. A module or
/// name that is not a literal string, persistent ids, extension codes and out-of-band buffers are
/// refused: none of them appears in a numpy checkpoint.
/// </remarks>
internal static class PickleOpcodeScanner
{
    private enum Kind { Mark, Text, Global, Other }

    private readonly record struct Symbol(Kind Kind, string? Name = null)
    {
        public static readonly Symbol Mark = new(Kind.Mark);
        public static readonly Symbol Other = new(Kind.Other);
        public static Symbol Text(string text) => new(Kind.Text, text);
        public static Symbol Global(string name) => new(Kind.Global, name);
    }

    public const int HighestProtocol = 5;

    /// <summary>Throws <see cref="CheckpointException"/> naming <paramref name="path"/> unless the pickle is safe to unpickle.</summary>
    public static void Scan(ReadOnlySpan<byte> data, string path)
    {
        var walker = new Walker(data, path);
        walker.Run();
    }

    private ref struct Walker
    {
        private readonly ReadOnlySpan<byte> _data;
        private readonly string _path;
        private readonly List<Symbol> _stack = [];
        private readonly Dictionary<long, Symbol> _memo = [];
        private int _pos;
        private int _opcodeStart;
        private byte _opcode;

        public Walker(ReadOnlySpan<byte> data, string path)
        {
            _data = data;
            _path = path;
        }

        public void Run()
        {
            if (_data.IsEmpty) throw Corrupt("the file is empty");
            while (true)
            {
                _opcodeStart = _pos;
                _opcode = ReadByte();
                if (_opcode == (byte)'.')
                {
                    if (_stack.Count == 0 || _stack[^1].Kind == Kind.Mark) throw Corrupt("STOP with nothing to return");
                    return;
                }
                Step();
            }
        }

        private void Step()
        {
            switch (_opcode)
            {
                case (byte)'(': Push(Symbol.Mark); break;                                // MARK
                case (byte)'0': PopAny(); break;                                          // POP
                case (byte)'1': PopToMark(); break;                                       // POP_MARK
                case (byte)'2': Push(PeekValue()); break;                                 // DUP
                case (byte)'F' or (byte)'I' or (byte)'L': ReadLine(); Push(Symbol.Other); break; // FLOAT, INT, LONG
                case (byte)'J': Skip(4); Push(Symbol.Other); break;                       // BININT
                case (byte)'K': Skip(1); Push(Symbol.Other); break;                       // BININT1
                case (byte)'M': Skip(2); Push(Symbol.Other); break;                       // BININT2
                case (byte)'N' or 0x88 or 0x89: Push(Symbol.Other); break;                // NONE, NEWTRUE, NEWFALSE
                case (byte)'G': Skip(8); Push(Symbol.Other); break;                       // BINFLOAT
                case 0x8a: Skip(ReadByte()); Push(Symbol.Other); break;                   // LONG1
                case 0x8b: Skip(ReadLength(4, signed: true)); Push(Symbol.Other); break;  // LONG4
                case (byte)'S' or (byte)'V': ReadLine(); Push(Symbol.Other); break;       // STRING, UNICODE (escaped: not resolved)
                case (byte)'T': Push(Symbol.Text(Latin1(ReadBytes(ReadLength(4, signed: true))))); break; // BINSTRING
                case (byte)'U': Push(Symbol.Text(Latin1(ReadBytes(ReadByte())))); break;  // SHORT_BINSTRING
                case (byte)'X': Push(Symbol.Text(Utf8(ReadBytes(ReadLength(4, signed: false))))); break; // BINUNICODE
                case 0x8c: Push(Symbol.Text(Utf8(ReadBytes(ReadByte())))); break;         // SHORT_BINUNICODE
                case 0x8d: Push(Symbol.Text(Utf8(ReadBytes(ReadLength(8, signed: false))))); break; // BINUNICODE8
                case (byte)'B': Skip(ReadLength(4, signed: false)); Push(Symbol.Other); break; // BINBYTES
                case (byte)'C': Skip(ReadByte()); Push(Symbol.Other); break;              // SHORT_BINBYTES
                case 0x8e or 0x96: Skip(ReadLength(8, signed: false)); Push(Symbol.Other); break; // BINBYTES8, BYTEARRAY8
                case (byte)'}' or (byte)']' or (byte)')' or 0x8f: Push(Symbol.Other); break; // EMPTY_DICT/LIST/TUPLE/SET
                case (byte)'a': PopValue(); PeekValue(); break;                           // APPEND
                case (byte)'e' or (byte)'u' or 0x90: PopToMark(); PeekValue(); break;     // APPENDS, SETITEMS, ADDITEMS
                case (byte)'s': PopValue(); PopValue(); PeekValue(); break;               // SETITEM
                case (byte)'b': PopValue(); PeekValue(); break;                           // BUILD
                case (byte)'d' or (byte)'l' or (byte)'t' or 0x91: PopToMark(); Push(Symbol.Other); break; // DICT, LIST, TUPLE, FROZENSET
                case 0x85: PopValue(); Push(Symbol.Other); break;                         // TUPLE1
                case 0x86: PopValues(2); Push(Symbol.Other); break;                       // TUPLE2
                case 0x87: PopValues(3); Push(Symbol.Other); break;                       // TUPLE3
                case (byte)'c': Push(CheckGlobal(ReadGlobalName())); break;               // GLOBAL
                case 0x93: StackGlobal(); break;                                          // STACK_GLOBAL
                case (byte)'i': Instantiate(); break;                                     // INST
                case (byte)'o': Obj(); break;                                             // OBJ
                case (byte)'R': PopValue(); Call(PopValue()); break;                      // REDUCE
                case 0x81: PopValue(); Call(PopValue()); break;                           // NEWOBJ
                case 0x92: PopValues(2); Call(PopValue()); break;                         // NEWOBJ_EX
                case (byte)'g': Push(Recall(ParseMemoIndex(ReadLine()))); break;          // GET
                case (byte)'h': Push(Recall(ReadByte())); break;                          // BINGET
                case (byte)'j': Push(Recall(ReadLength(4, signed: false))); break;        // LONG_BINGET
                case (byte)'p': _memo[ParseMemoIndex(ReadLine())] = PeekValue(); break;   // PUT
                case (byte)'q': _memo[ReadByte()] = PeekValue(); break;                   // BINPUT
                case (byte)'r': _memo[ReadLength(4, signed: false)] = PeekValue(); break; // LONG_BINPUT
                case 0x94: _memo[_memo.Count] = PeekValue(); break;                       // MEMOIZE
                case 0x80:                                                                // PROTO
                    int protocol = ReadByte();
                    if (protocol > HighestProtocol) throw Corrupt($"unsupported pickle protocol {protocol}");
                    break;
                case 0x95: Skip(8); break;                                                // FRAME
                case 0x98: PeekValue(); break;                                            // READONLY_BUFFER
                case (byte)'P' or (byte)'Q':
                    throw Refused("uses a persistent id (PERSID/BINPERSID); a numpy checkpoint has none (torch files do, and are not .pkl checkpoints)");
                case 0x82 or 0x83 or 0x84:
                    throw Refused("uses a copyreg extension code (EXT1/EXT2/EXT4), which names a global indirectly");
                case 0x97:
                    throw Refused("refers to an out-of-band buffer (NEXT_BUFFER)");
                default:
                    throw Corrupt($"unknown opcode 0x{_opcode:x2}");
            }
        }

        private void StackGlobal()
        {
            var name = PopValue();
            var module = PopValue();
            if (module.Kind != Kind.Text || name.Kind != Kind.Text)
                throw Refused("uses STACK_GLOBAL with a module or name that is not a literal string");
            Push(CheckGlobal(module.Name + "." + name.Name));
        }

        private void Instantiate()
        {
            string qualified = ReadGlobalName();
            CheckGlobal(qualified);
            PopToMark();
            Call(Symbol.Global(qualified));
        }

        private void Obj()
        {
            var items = PopToMark();
            if (items.Count == 0) throw Corrupt("OBJ without a class");
            Call(items[0]);
        }

        /// <summary>Checks what a REDUCE/NEWOBJ/OBJ/INST would call and pushes its (opaque) result.</summary>
        private void Call(Symbol callable)
        {
            if (callable.Kind != Kind.Global)
                throw Refused("calls something that is not an allowed global");
            if (!PickleGlobalAllowlist.IsCallable(callable.Name!))
                throw Refused($"calls the Python global '{callable.Name}', which may only appear as an argument");
            Push(Symbol.Other);
        }

        private Symbol CheckGlobal(string qualified)
        {
            if (!PickleGlobalAllowlist.IsAllowed(qualified))
                throw Refused($"refers to the Python global '{qualified}', which is not allowed in a checkpoint (allowed: {PickleGlobalAllowlist.Describe()})");
            return Symbol.Global(qualified);
        }

        private string ReadGlobalName()
        {
            string module = Utf8(ReadLine());
            string name = Utf8(ReadLine());
            return module + "." + name;
        }

        private Symbol Recall(long index) =>
            _memo.TryGetValue(index, out var value) ? value : throw Corrupt($"memo entry {index} is read before it is written");

        private readonly long ParseMemoIndex(ReadOnlySpan<byte> line) =>
            long.TryParse(Encoding.ASCII.GetString(line), NumberStyles.Integer, CultureInfo.InvariantCulture, out long index)
                ? index
                : throw Corrupt("memo index is not an integer");

        private void Push(Symbol symbol) => _stack.Add(symbol);

        private Symbol Peek() =>
            _stack.Count > 0 ? _stack[^1] : throw Corrupt("stack underflow");

        private Symbol PeekValue()
        {
            var top = Peek();
            return top.Kind == Kind.Mark ? throw Corrupt("a value is expected where a MARK is") : top;
        }

        /// <summary>POP removes whatever is on top, a MARK included (as Python's <c>load_pop</c> does).</summary>
        private void PopAny()
        {
            Peek();
            _stack.RemoveAt(_stack.Count - 1);
        }

        private Symbol PopValue()
        {
            var top = PeekValue();
            _stack.RemoveAt(_stack.Count - 1);
            return top;
        }

        private void PopValues(int count)
        {
            for (int i = 0; i < count; i++) PopValue();
        }

        private List<Symbol> PopToMark()
        {
            int mark = _stack.FindLastIndex(s => s.Kind == Kind.Mark);
            if (mark < 0) throw Corrupt("no MARK to pop to");
            var items = _stack.GetRange(mark + 1, _stack.Count - mark - 1);
            _stack.RemoveRange(mark, _stack.Count - mark);
            return items;
        }

        private byte ReadByte()
        {
            if (_pos >= _data.Length) throw Truncated();
            return _data[_pos++];
        }

        private ReadOnlySpan<byte> ReadBytes(long count)
        {
            if (count > _data.Length - _pos) throw Truncated();
            var bytes = _data.Slice(_pos, (int)count);
            _pos += (int)count;
            return bytes;
        }

        private void Skip(long count) => ReadBytes(count);

        private long ReadLength(int width, bool signed)
        {
            var bytes = ReadBytes(width);
            long length = width switch
            {
                4 when signed => BinaryPrimitives.ReadInt32LittleEndian(bytes),
                4 => BinaryPrimitives.ReadUInt32LittleEndian(bytes),
                _ => BinaryPrimitives.ReadUInt64LittleEndian(bytes) > long.MaxValue
                    ? long.MaxValue
                    : (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes),
            };
            if (length < 0) throw Corrupt($"negative length {length}");
            return length;
        }

        private ReadOnlySpan<byte> ReadLine()
        {
            int end = _data[_pos..].IndexOf((byte)'\n');
            if (end < 0) throw Truncated();
            var line = _data.Slice(_pos, end);
            _pos += end + 1;
            return line;
        }

        private static string Utf8(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);
        private static string Latin1(ReadOnlySpan<byte> bytes) => Encoding.Latin1.GetString(bytes);

        private readonly CheckpointException Refused(string what) =>
            new(_path, $"refused as unsafe: the pickle {what} (opcode at byte {_opcodeStart})");

        private readonly CheckpointException Corrupt(string what) =>
            new(_path, $"is not a valid pickle: {what} (opcode 0x{_opcode:x2} at byte {_opcodeStart})");

        private readonly CheckpointException Truncated() =>
            new(_path, $"is truncated or corrupt: the pickle stream ends inside opcode 0x{_opcode:x2} at byte {_opcodeStart} of {_data.Length}");
    }
}
