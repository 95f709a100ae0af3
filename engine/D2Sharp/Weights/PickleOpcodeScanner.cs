using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace D2Sharp.Weights;

/// <summary>
/// Walks a pickle's opcode stream without building any object and refuses it unless every global
/// it names is on <see cref="PickleGlobalAllowlist"/>, everything it calls is an allowed callable,
/// and it stays within <see cref="CheckpointLimits"/>. Razorvine.Pickle has no hook for globals and
/// no limits, so this is the gate that runs before it.
/// </summary>
/// <remarks>
/// The walk keeps a symbolic stack and memo (strings, globals, tuples, marks, containers, anything
/// else) so that <c>STACK_GLOBAL</c> resolves its module and name even when they come from the memo,
/// so that <c>REDUCE</c>/<c>NEWOBJ</c>/<c>OBJ</c> can be checked against what they would call, and so
/// that a persistent id can be checked item by item. Each container symbol counts its items and its
/// nesting depth, which a memo recall shares, so the limits hold however a value is reached.
/// A module or name that is not a literal string, extension codes and out-of-band buffers are refused:
/// none of them appears in a checkpoint. Every length a pickle declares is compared with what is left
/// of it before anything is read.
/// </remarks>
internal static class PickleOpcodeScanner
{
    private enum Kind { Mark, Text, Global, Tuple, Other }

    /// <summary>A dict, list, tuple, set or called object: how many items it holds and how deep it nests.</summary>
    private sealed class Container
    {
        public long Items;
        public int Depth;
    }

    private readonly record struct Symbol(Kind Kind, string? Name = null, Container? Container = null, Symbol[]? Items = null)
    {
        public static readonly Symbol Mark = new(Kind.Mark);
        public static readonly Symbol Scalar = new(Kind.Other);
        public static Symbol Text(string text) => new(Kind.Text, text);
        public static Symbol Global(string name) => new(Kind.Global, name);

        /// <summary>Scalars, strings and globals nest 0 deep; a container one more than its deepest item.</summary>
        public int Depth => Container?.Depth ?? 0;
    }

    public const int HighestProtocol = 5;

    /// <summary>
    /// Throws <see cref="CheckpointException"/> naming <paramref name="path"/> unless the pickle is safe
    /// to unpickle. <paramref name="entry"/> names the zip entry the pickle came from, if any.
    /// </summary>
    public static void Scan(ReadOnlySpan<byte> data, string path, CheckpointLimits limits, PickleDialect dialect, string? entry = null)
    {
        var walker = new Walker(data, path, limits, dialect, entry);
        walker.Run();
    }

    private ref struct Walker
    {
        private readonly ReadOnlySpan<byte> _data;
        private readonly string _path;
        private readonly CheckpointLimits _limits;
        private readonly PickleDialect _dialect;
        private readonly string _where;
        private readonly List<Symbol> _stack = [];
        private readonly Dictionary<long, Symbol> _memo = [];
        private int _openMarks;
        private int _pos;
        private int _opcodeStart;
        private byte _opcode;

        public Walker(ReadOnlySpan<byte> data, string path, CheckpointLimits limits, PickleDialect dialect, string? entry)
        {
            _data = data;
            _path = path;
            _limits = limits;
            _dialect = dialect;
            _where = entry is null ? "" : $" of '{entry}'";
        }

        public void Run()
        {
            if (_data.IsEmpty) throw new CheckpointException(_path, $"is not a valid pickle: it is empty{_where}");
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
                case (byte)'(': OpenMark(); break;                                        // MARK
                case (byte)'0': PopAny(); break;                                          // POP
                case (byte)'1': PopToMark(); break;                                       // POP_MARK
                case (byte)'2': Push(PeekValue()); break;                                 // DUP
                case (byte)'F' or (byte)'I' or (byte)'L': ReadTextLine(); Push(Symbol.Scalar); break; // FLOAT, INT, LONG
                case (byte)'J': Skip(4); Push(Symbol.Scalar); break;                      // BININT
                case (byte)'K': Skip(1); Push(Symbol.Scalar); break;                      // BININT1
                case (byte)'M': Skip(2); Push(Symbol.Scalar); break;                      // BININT2
                case (byte)'N' or 0x88 or 0x89: Push(Symbol.Scalar); break;               // NONE, NEWTRUE, NEWFALSE
                case (byte)'G': Skip(8); Push(Symbol.Scalar); break;                      // BINFLOAT
                case 0x8a: Skip(ReadByte()); Push(Symbol.Scalar); break;                  // LONG1
                case 0x8b: ReadText(ReadLength(4, signed: true)); Push(Symbol.Scalar); break; // LONG4
                case (byte)'S': ReadLine(); Push(Symbol.Scalar); break;                   // STRING (escaped; may be Python 2 array data)
                case (byte)'V': ReadTextLine(); Push(Symbol.Scalar); break;               // UNICODE (escaped: not resolved)
                case (byte)'T': PushByteString(ReadBytes(ReadLength(4, signed: true))); break; // BINSTRING
                case (byte)'U': PushByteString(ReadBytes(ReadByte())); break;             // SHORT_BINSTRING
                case (byte)'X': PushText(ReadLength(4, signed: false)); break;           // BINUNICODE
                case 0x8c: Push(Symbol.Text(Utf8(ReadBytes(ReadByte())))); break;         // SHORT_BINUNICODE
                case 0x8d: PushText(ReadLength(8, signed: false)); break;                 // BINUNICODE8
                case (byte)'B': Skip(ReadLength(4, signed: false)); Push(Symbol.Scalar); break; // BINBYTES
                case (byte)'C': Skip(ReadByte()); Push(Symbol.Scalar); break;             // SHORT_BINBYTES
                case 0x8e or 0x96: Skip(ReadLength(8, signed: false)); Push(Symbol.Scalar); break; // BINBYTES8, BYTEARRAY8
                case (byte)'}' or (byte)']' or 0x8f: Push(NewContainer([])); break;       // EMPTY_DICT/LIST/SET
                case (byte)')': Push(NewTuple([])); break;                                // EMPTY_TUPLE
                case (byte)'a': Append(1, [PopValue()]); break;                           // APPEND
                case (byte)'e' or 0x90: var added = PopToMark(); Append(added.Count, added); break; // APPENDS, ADDITEMS
                case (byte)'u': SetItems(PopToMark()); break;                             // SETITEMS
                case (byte)'s': var value = PopValue(); Append(1, [PopValue(), value]); break; // SETITEM
                case (byte)'b': Append(0, [PopValue()]); break;                           // BUILD: the state joins the object
                case (byte)'d': var pairs = PopToMark(); Push(NewContainer(pairs, pairs.Count / 2)); break; // DICT
                case (byte)'l' or 0x91: Push(NewContainer(PopToMark())); break;           // LIST, FROZENSET
                case (byte)'t': Push(NewTuple(PopToMark())); break;                       // TUPLE
                case 0x85: Push(NewTuple(PopValues(1))); break;                           // TUPLE1
                case 0x86: Push(NewTuple(PopValues(2))); break;                           // TUPLE2
                case 0x87: Push(NewTuple(PopValues(3))); break;                           // TUPLE3
                case (byte)'c': Push(CheckGlobal(ReadGlobalName())); break;               // GLOBAL
                case 0x93: StackGlobal(); break;                                          // STACK_GLOBAL
                case (byte)'i': Instantiate(); break;                                     // INST
                case (byte)'o': Obj(); break;                                             // OBJ
                case (byte)'R' or 0x81: var args = PopValue(); Call(PopValue(), args.Depth); break; // REDUCE, NEWOBJ
                case 0x92: var kwargs = PopValue(); var positional = PopValue(); Call(PopValue(), Math.Max(kwargs.Depth, positional.Depth)); break; // NEWOBJ_EX
                case (byte)'g': Push(Recall(ParseMemoIndex(ReadTextLine()))); break;      // GET
                case (byte)'h': Push(Recall(ReadByte())); break;                          // BINGET
                case (byte)'j': Push(Recall(ReadLength(4, signed: false))); break;        // LONG_BINGET
                case (byte)'p': Memoize(ParseMemoIndex(ReadTextLine())); break;           // PUT
                case (byte)'q': Memoize(ReadByte()); break;                               // BINPUT
                case (byte)'r': Memoize(ReadLength(4, signed: false)); break;             // LONG_BINPUT
                case 0x94: Memoize(_memo.Count); break;                                   // MEMOIZE
                case 0x80:                                                                // PROTO
                    int protocol = ReadByte();
                    if (protocol > HighestProtocol) throw Corrupt($"unsupported pickle protocol {protocol} (the highest is {HighestProtocol})");
                    break;
                case 0x95: Skip(8); break;                                                // FRAME
                case 0x98: PeekValue(); break;                                            // READONLY_BUFFER
                case (byte)'Q': PersistentId(); break;                                    // BINPERSID
                case (byte)'P':
                    throw Refused("uses a text persistent id (PERSID); a numpy checkpoint has none and torch.save writes BINPERSID");
                case 0x82 or 0x83 or 0x84:
                    throw Refused("uses a copyreg extension code (EXT1/EXT2/EXT4), which names a global indirectly");
                case 0x97:
                    throw Refused("refers to an out-of-band buffer (NEXT_BUFFER)");
                default:
                    throw Corrupt("the byte is not a pickle opcode");
            }
        }

        /// <summary>
        /// A text string of <paramref name="length"/> bytes. Protocol 2 stores bytes as
        /// <c>_codecs.encode(text, 'latin1')</c>, so array data arrives as text right after that global:
        /// there any length is data (bounded by the file, and never decoded here); anywhere else the
        /// string limit holds.
        /// </summary>
        private void PushText(long length)
        {
            if (length > _limits.MaxStringLength && _stack.Count > 0 && _stack[^1] is { Kind: Kind.Global, Name: "_codecs.encode" })
            {
                Skip(length);
                Push(Symbol.Scalar);
                return;
            }
            Push(Symbol.Text(Utf8(ReadText(length))));
        }

        /// <summary>A Python 2 <c>str</c>: a name when short, else array data (which is never a module or name).</summary>
        private void PushByteString(ReadOnlySpan<byte> bytes) =>
            Push(bytes.Length <= _limits.MaxStringLength ? Symbol.Text(Latin1(bytes)) : Symbol.Scalar);

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
            Call(Symbol.Global(qualified), DeepestOf(PopToMark()));
        }

        private void Obj()
        {
            var items = PopToMark();
            if (items.Count == 0) throw Corrupt("OBJ without a class");
            Call(items[0], DeepestOf(items.Skip(1)));
        }

        /// <summary>
        /// A persistent id is how <c>torch.save</c> points at a storage record of its archive:
        /// <c>('storage', torch.&lt;Type&gt;Storage, key, location, numel)</c>. Nothing else is accepted,
        /// and nothing at all in a <c>.pkl</c>, whose loader has no persistent ids to resolve.
        /// </summary>
        private void PersistentId()
        {
            if (_dialect != PickleDialect.TorchZip)
                throw Refused("uses a persistent id (BINPERSID); a numpy checkpoint has none (PyTorch zip checkpoints do: name such a file .pth)");
            var pid = PopValue();
            bool isStorage = pid is { Kind: Kind.Tuple, Items: [{ Kind: Kind.Text, Name: "storage" }, { Kind: Kind.Global } type, { Kind: Kind.Text }, { Kind: Kind.Text }, { Kind: Kind.Other, Container: null }] }
                && TorchStorageTypes.IsStorageType(type.Name!);
            if (!isStorage)
                throw Refused("uses a persistent id that is not a torch storage reference ('storage', torch.<Type>Storage, key, location, numel)");
            Push(Symbol.Scalar);
        }

        /// <summary>Checks what a REDUCE/NEWOBJ/OBJ/INST would call and pushes its (opaque) result, which nests its arguments.</summary>
        private void Call(Symbol callable, int argumentsDepth)
        {
            if (callable.Kind != Kind.Global)
                throw Refused("calls something that is not an allowed global");
            if (!PickleGlobalAllowlist.IsCallable(callable.Name!, _dialect))
                throw Refused($"calls the Python global '{callable.Name}', which may only appear as an argument");
            Push(new Symbol(Kind.Other, Container: NewContainerAt(argumentsDepth + 1, 0)));
        }

        private Symbol CheckGlobal(string qualified)
        {
            if (!PickleGlobalAllowlist.IsAllowed(qualified, _dialect))
                throw Refused($"refers to the Python global '{qualified}', which is not allowed in a checkpoint (allowed: {PickleGlobalAllowlist.Describe(_dialect)})");
            return Symbol.Global(qualified);
        }

        private string ReadGlobalName()
        {
            string module = Utf8(ReadTextLine());
            string name = Utf8(ReadTextLine());
            return module + "." + name;
        }

        private Symbol NewContainer(List<Symbol> items, long? count = null) =>
            new(Kind.Other, Container: NewContainerAt(DeepestOf(items) + 1, count ?? items.Count));

        /// <summary>Tuples keep their items: a persistent id is checked item by item.</summary>
        private Symbol NewTuple(List<Symbol> items) =>
            new(Kind.Tuple, Container: NewContainerAt(DeepestOf(items) + 1, items.Count), Items: [.. items]);

        private readonly Container NewContainerAt(int depth, long items)
        {
            var container = new Container();
            Grow(container, items, depth);
            return container;
        }

        private void SetItems(List<Symbol> items)
        {
            if (items.Count % 2 != 0) throw Corrupt("SETITEMS with a key that has no value");
            Append(items.Count / 2, items);
        }

        /// <summary>APPEND(S), SETITEM(S), ADDITEMS, BUILD: <paramref name="count"/> items (or state) join the container on top.</summary>
        private void Append(long count, IEnumerable<Symbol> added)
        {
            var target = PeekValue();
            if (target.Container is null) throw Corrupt("adds items to a value that is not a container or an object");
            Grow(target.Container, count, DeepestOf(added) + 1);
        }

        private readonly void Grow(Container container, long items, int depth)
        {
            container.Items += items;
            container.Depth = Math.Max(container.Depth, depth);
            if (container.Items > _limits.MaxContainerItems)
                throw LimitExceeded($"puts {container.Items} items in one container", nameof(CheckpointLimits.MaxContainerItems), _limits.MaxContainerItems);
            if (container.Depth > _limits.MaxNestingDepth)
                throw LimitExceeded($"nests containers {container.Depth} deep", nameof(CheckpointLimits.MaxNestingDepth), _limits.MaxNestingDepth);
        }

        private static int DeepestOf(IEnumerable<Symbol> symbols)
        {
            int deepest = 0;
            foreach (var symbol in symbols) deepest = Math.Max(deepest, symbol.Depth);
            return deepest;
        }

        private void OpenMark()
        {
            if (++_openMarks > _limits.MaxNestingDepth)
                throw LimitExceeded($"opens {_openMarks} MARKs at once", nameof(CheckpointLimits.MaxNestingDepth), _limits.MaxNestingDepth);
            Push(Symbol.Mark);
        }

        private void Memoize(long index)
        {
            // CPython's own unpickler sizes its memo array by the index, and Razorvine reads 4-byte
            // indices as signed: an index beyond the limit is refused rather than interpreted.
            if (index >= _limits.MaxMemoEntries)
                throw LimitExceeded($"stores memo entry {index}", nameof(CheckpointLimits.MaxMemoEntries), _limits.MaxMemoEntries);
            _memo[index] = PeekValue();
        }

        private Symbol Recall(long index) =>
            _memo.TryGetValue(index, out var value) ? value : throw Corrupt($"memo entry {index} is read before it is written");

        private readonly long ParseMemoIndex(ReadOnlySpan<byte> line) =>
            long.TryParse(Encoding.ASCII.GetString(line), NumberStyles.Integer, CultureInfo.InvariantCulture, out long index) && index >= 0
                ? index
                : throw Corrupt("memo index is not a non-negative integer");

        private void Push(Symbol symbol)
        {
            if (_stack.Count >= _limits.MaxStackLength)
                throw LimitExceeded($"holds more than {_limits.MaxStackLength} values on its stack", nameof(CheckpointLimits.MaxStackLength), _limits.MaxStackLength);
            _stack.Add(symbol);
        }

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
            if (Peek().Kind == Kind.Mark) _openMarks--;
            _stack.RemoveAt(_stack.Count - 1);
        }

        private Symbol PopValue()
        {
            var top = PeekValue();
            _stack.RemoveAt(_stack.Count - 1);
            return top;
        }

        private List<Symbol> PopValues(int count)
        {
            var values = new List<Symbol>(count);
            for (int i = 0; i < count; i++) values.Insert(0, PopValue());
            return values;
        }

        private List<Symbol> PopToMark()
        {
            int mark = _stack.FindLastIndex(s => s.Kind == Kind.Mark);
            if (mark < 0) throw Corrupt("no MARK to pop to");
            var items = _stack.GetRange(mark + 1, _stack.Count - mark - 1);
            _stack.RemoveRange(mark, _stack.Count - mark);
            _openMarks--;
            return items;
        }

        private byte ReadByte()
        {
            if (_pos >= _data.Length) throw Truncated();
            return _data[_pos++];
        }

        /// <summary>Checks a declared length against what is left before reading (or allocating) anything.</summary>
        private ReadOnlySpan<byte> ReadBytes(long count)
        {
            if (count > _data.Length - _pos) throw DeclaresTooMuch(count);
            var bytes = _data.Slice(_pos, (int)count);
            _pos += (int)count;
            return bytes;
        }

        /// <summary>A text string (or a long integer's digits): its declared length is checked against the string limit first.</summary>
        private ReadOnlySpan<byte> ReadText(long count)
        {
            if (count > _limits.MaxStringLength)
                throw LimitExceeded($"declares a string of {count} bytes", nameof(CheckpointLimits.MaxStringLength), _limits.MaxStringLength);
            return ReadBytes(count);
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

        /// <summary>A line that holds a name or a number: bounded by the string limit.</summary>
        private ReadOnlySpan<byte> ReadTextLine()
        {
            var line = ReadLine();
            if (line.Length > _limits.MaxStringLength)
                throw LimitExceeded($"has a text line of {line.Length} bytes", nameof(CheckpointLimits.MaxStringLength), _limits.MaxStringLength);
            return line;
        }

        private static string Utf8(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);
        private static string Latin1(ReadOnlySpan<byte> bytes) => Encoding.Latin1.GetString(bytes);

        private readonly string At => $"{PickleOpcodeNames.Describe(_opcode)} at byte {_opcodeStart}{_where}";

        private readonly CheckpointException Refused(string what) =>
            new(_path, $"refused as unsafe: the pickle {what} ({At})");

        private readonly CheckpointException LimitExceeded(string what, string limit, long value) =>
            new(_path, $"refused: the pickle {what}, beyond CheckpointLimits.{limit} = {value} ({At})");

        private readonly CheckpointException Corrupt(string what) =>
            new(_path, $"is not a valid pickle: {what} ({At})");

        private readonly CheckpointException Truncated() =>
            new(_path, $"is truncated or corrupt: the pickle ends inside {At} ({_data.Length} bytes in all)");

        private readonly CheckpointException DeclaresTooMuch(long count) =>
            new(_path, $"is truncated or corrupt: {At} declares {count} bytes, but only {_data.Length - _pos} remain of the {_data.Length}-byte pickle");
    }
}
