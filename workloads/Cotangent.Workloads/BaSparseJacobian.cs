using System.Globalization;
using System.Text;

namespace Cotangent.Workloads;

/// <summary>ADBench's BA Jacobian in its CSR-like layout (reference notes §4.4): row pointers, column indices, values row by row.</summary>
public sealed class BaSparseJacobian(int rows, int columns, int[] rowPointers, int[] columnIndices, double[] values)
{
    /// <summary>Number of rows, 3p.</summary>
    public int Rows { get; } = rows;

    /// <summary>Number of columns, 11n + 3m + p.</summary>
    public int Columns { get; } = columns;

    /// <summary>rows + 1 pointers; row r holds entries RowPointers[r] .. RowPointers[r+1]−1.</summary>
    public IReadOnlyList<int> RowPointers { get; } = rowPointers;

    /// <summary>The column of each stored value.</summary>
    public IReadOnlyList<int> ColumnIndices { get; } = columnIndices;

    /// <summary>The stored values, row by row, left to right.</summary>
    public IReadOnlyList<double> Values { get; } = values;

    /// <summary>The entry (row, column), zero when not stored.</summary>
    public double this[int row, int column]
    {
        get
        {
            for (int e = RowPointers[row]; e < RowPointers[row + 1]; e++)
                if (ColumnIndices[e] == column) return Values[e];
            return 0;
        }
    }

    /// <summary>The <c>_J_</c> file text ADBench writes for BA.</summary>
    public string ToAdBenchText()
    {
        var s = new StringBuilder();
        s.Append(CultureInfo.InvariantCulture, $"{Rows} {Columns}\n{RowPointers.Count}\n");
        s.AppendJoin(' ', RowPointers).Append('\n');
        s.Append(CultureInfo.InvariantCulture, $"{ColumnIndices.Count}\n");
        s.AppendJoin(' ', ColumnIndices).Append('\n');
        s.AppendJoin(' ', Values.Select(v => v.ToString("R", CultureInfo.InvariantCulture))).Append('\n');
        return s.ToString();
    }
}
