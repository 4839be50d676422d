using System.Collections;

namespace Cotangent.Core;

/// <summary>
/// An append-only list stored in fixed-size chunks: unlike <see cref="List{T}"/>, growing never copies,
/// so recording n equations allocates about n slots rather than about 2n.
/// </summary>
internal sealed class ChunkedList<T> : IReadOnlyList<T>
{
    private const int ChunkBits = 8;
    private const int ChunkSize = 1 << ChunkBits;
    private readonly List<T[]> _chunks = [];

    public int Count { get; private set; }

    public T this[int index]
    {
        get
        {
            if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index));
            return _chunks[index >> ChunkBits][index & (ChunkSize - 1)];
        }
    }

    public void Add(T item)
    {
        int slot = Count & (ChunkSize - 1);
        if (slot == 0)
        {
            // The first chunk starts small so that short programs stay small.
            _chunks.Add(new T[Count == 0 ? 16 : ChunkSize]);
        }
        else if (Count < ChunkSize && slot == _chunks[0].Length)
        {
            Array.Resize(ref System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_chunks)[0], Math.Min(ChunkSize, slot * 2));
        }

        _chunks[Count >> ChunkBits][slot] = item;
        Count++;
    }

    public IEnumerator<T> GetEnumerator()
    {
        for (int i = 0; i < Count; i++) yield return _chunks[i >> ChunkBits][i & (ChunkSize - 1)];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
