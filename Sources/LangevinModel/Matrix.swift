import Foundation

/// A small dense real matrix stored row-major.
///
/// Sized for phase-space work (n = 2d ≤ 8 typically, Kronecker systems up to a few hundred rows);
/// all algorithms are plain O(n³) loops.
public struct Matrix: Sendable, Equatable, CustomStringConvertible {
    /// Number of rows.
    public let rows: Int
    /// Number of columns.
    public let cols: Int
    /// Entries in row-major order: element (i, j) is `elements[i * cols + j]`.
    public var elements: [Double]

    /// Wraps row-major `elements`; their count must be `rows * cols`.
    public init(rows: Int, cols: Int, elements: [Double]) {
        precondition(rows >= 0 && cols >= 0, "Matrix dimensions must be non-negative")
        precondition(elements.count == rows * cols, "Matrix needs \(rows * cols) elements, got \(elements.count)")
        self.rows = rows
        self.cols = cols
        self.elements = elements
    }

    /// Builds a matrix from its rows, which must all have the same length.
    /// Use `init(validating:key:)` for user input, where ragged rows are an error rather than a bug.
    public init(_ rows: [[Double]]) {
        let c = rows.first?.count ?? 0
        precondition(rows.allSatisfy { $0.count == c }, "Matrix rows must all have the same length")
        self.init(rows: rows.count, cols: rows.isEmpty ? 0 : c, elements: rows.flatMap { $0 })
    }

    /// Builds a matrix from user-supplied rows, throwing `ModelError.raggedMatrix` (naming `key`) if
    /// the rows differ in length.
    public init(validating rows: [[Double]], key: String) throws(ModelError) {
        let c = rows.first?.count ?? 0
        for (i, r) in rows.enumerated() where r.count != c {
            throw ModelError.raggedMatrix(key: key, row: i, expected: c, found: r.count)
        }
        self.init(rows)
    }

    /// The rows×cols zero matrix.
    public static func zeros(_ rows: Int, _ cols: Int) -> Matrix {
        Matrix(rows: rows, cols: cols, elements: [Double](repeating: 0, count: rows * cols))
    }

    /// The n×n identity.
    public static func identity(_ n: Int) -> Matrix {
        var m = zeros(n, n)
        for i in 0..<n { m.elements[i * n + i] = 1 }
        return m
    }

    /// The square matrix with `values` on its diagonal.
    public static func diagonal(_ values: [Double]) -> Matrix {
        let n = values.count
        var m = zeros(n, n)
        for i in 0..<n { m.elements[i * n + i] = values[i] }
        return m
    }

    /// The outer product a bᵀ.
    public static func outer(_ a: [Double], _ b: [Double]) -> Matrix {
        var m = zeros(a.count, b.count)
        for i in 0..<a.count {
            for j in 0..<b.count { m.elements[i * b.count + j] = a[i] * b[j] }
        }
        return m
    }

    /// The Kronecker product a ⊗ b.
    public static func kronecker(_ a: Matrix, _ b: Matrix) -> Matrix {
        var m = zeros(a.rows * b.rows, a.cols * b.cols)
        for i in 0..<a.rows {
            for j in 0..<a.cols {
                let aij = a[i, j]
                if aij == 0 { continue }
                for k in 0..<b.rows {
                    for l in 0..<b.cols {
                        m[i * b.rows + k, j * b.cols + l] = aij * b[k, l]
                    }
                }
            }
        }
        return m
    }

    /// Element (i, j), zero-based.
    public subscript(i: Int, j: Int) -> Double {
        get {
            precondition(i >= 0 && i < rows && j >= 0 && j < cols, "Matrix index (\(i), \(j)) out of range")
            return elements[i * cols + j]
        }
        set {
            precondition(i >= 0 && i < rows && j >= 0 && j < cols, "Matrix index (\(i), \(j)) out of range")
            elements[i * cols + j] = newValue
        }
    }

    /// rows == cols.
    public var isSquare: Bool { rows == cols }

    /// Aᵀ.
    public var transposed: Matrix {
        var t = Matrix.zeros(cols, rows)
        for i in 0..<rows {
            for j in 0..<cols { t.elements[j * rows + i] = elements[i * cols + j] }
        }
        return t
    }

    /// Row i as an array.
    public func row(_ i: Int) -> [Double] {
        Array(elements[(i * cols)..<((i + 1) * cols)])
    }

    /// Column j as an array.
    public func column(_ j: Int) -> [Double] {
        (0..<rows).map { elements[$0 * cols + j] }
    }

    /// The rows as nested arrays (the inverse of `init(_:)`).
    public var rowsAsArrays: [[Double]] {
        (0..<rows).map { row($0) }
    }

    /// The diagonal entries.
    public var diagonalElements: [Double] {
        (0..<min(rows, cols)).map { elements[$0 * cols + $0] }
    }

    /// The sum of the diagonal entries (square matrices only).
    public var trace: Double {
        precondition(isSquare, "trace needs a square matrix")
        return diagonalElements.reduce(0, +)
    }

    /// The largest |entry| (0 for an empty matrix).
    public var maxAbs: Double {
        elements.reduce(0) { max($0, abs($1)) }
    }

    /// The maximum absolute column sum ‖·‖₁.
    public var oneNorm: Double {
        var best = 0.0
        for j in 0..<cols {
            var s = 0.0
            for i in 0..<rows { s += abs(elements[i * cols + j]) }
            best = max(best, s)
        }
        return best
    }

    /// √(Σ a_ij²).
    public var frobeniusNorm: Double {
        elements.reduce(0) { $0 + $1 * $1 }.squareRoot()
    }

    /// True when every entry is finite.
    public var isFinite: Bool { elements.allSatisfy { $0.isFinite } }

    /// Builds a matrix from a grid of blocks: blocks in one block-row share their row count, blocks in one
    /// block-column share their column count.
    public static func block(_ blocks: [[Matrix]]) -> Matrix {
        guard let first = blocks.first, !first.isEmpty else { return zeros(0, 0) }
        precondition(blocks.allSatisfy { $0.count == first.count }, "Every block-row needs the same number of blocks")
        let heights = blocks.map { $0[0].rows }
        let widths = first.map { $0.cols }
        for (bi, blockRow) in blocks.enumerated() {
            for (bj, b) in blockRow.enumerated() {
                precondition(b.rows == heights[bi] && b.cols == widths[bj], "Block (\(bi), \(bj)) has inconsistent size")
            }
        }
        var m = zeros(heights.reduce(0, +), widths.reduce(0, +))
        var r0 = 0
        for (bi, blockRow) in blocks.enumerated() {
            var c0 = 0
            for (bj, b) in blockRow.enumerated() {
                for i in 0..<b.rows {
                    for j in 0..<b.cols { m.elements[(r0 + i) * m.cols + c0 + j] = b.elements[i * b.cols + j] }
                }
                c0 += widths[bj]
            }
            r0 += heights[bi]
        }
        return m
    }

    /// The sub-matrix with the given row and column ranges.
    public func block(rows r: Range<Int>, cols c: Range<Int>) -> Matrix {
        precondition(r.lowerBound >= 0 && r.upperBound <= rows && c.lowerBound >= 0 && c.upperBound <= cols,
                     "Block range out of bounds")
        var m = Matrix.zeros(r.count, c.count)
        for i in 0..<r.count {
            for j in 0..<c.count { m.elements[i * c.count + j] = elements[(r.lowerBound + i) * cols + c.lowerBound + j] }
        }
        return m
    }

    /// Overwrites the block starting at (row, col) with `b`.
    public mutating func setBlock(row: Int, col: Int, _ b: Matrix) {
        precondition(row + b.rows <= rows && col + b.cols <= cols, "Block does not fit")
        for i in 0..<b.rows {
            for j in 0..<b.cols { elements[(row + i) * cols + col + j] = b.elements[i * b.cols + j] }
        }
    }

    /// The largest |a_ij − a_ji|.
    public var asymmetry: Double {
        precondition(isSquare, "asymmetry needs a square matrix")
        var worst = 0.0
        for i in 0..<rows {
            for j in (i + 1)..<max(i + 1, cols) { worst = max(worst, abs(self[i, j] - self[j, i])) }
        }
        return worst
    }

    /// True when the matrix is square and max |a_ij − a_ji| ≤ tolerance · maxAbs (a relative test).
    public func isSymmetric(tolerance: Double = 1e-12) -> Bool {
        guard isSquare else { return false }
        return asymmetry <= tolerance * maxAbs
    }

    /// (A + Aᵀ)/2.
    public var symmetrized: Matrix {
        precondition(isSquare, "symmetrized needs a square matrix")
        var m = self
        for i in 0..<rows {
            for j in (i + 1)..<max(i + 1, cols) {
                let s = 0.5 * (self[i, j] + self[j, i])
                m[i, j] = s
                m[j, i] = s
            }
        }
        return m
    }

    /// Nested rows, e.g. "[[1.0, 2.0], [3.0, 4.0]]".
    public var description: String {
        "[" + rowsAsArrays.map { "[" + $0.map { "\($0)" }.joined(separator: ", ") + "]" }.joined(separator: ", ") + "]"
    }

    // MARK: Arithmetic

    /// Elementwise sum (sizes must agree).
    public static func + (a: Matrix, b: Matrix) -> Matrix {
        precondition(a.rows == b.rows && a.cols == b.cols, "Matrix sizes differ in +")
        var m = a
        for k in 0..<m.elements.count { m.elements[k] += b.elements[k] }
        return m
    }

    /// Elementwise difference (sizes must agree).
    public static func - (a: Matrix, b: Matrix) -> Matrix {
        precondition(a.rows == b.rows && a.cols == b.cols, "Matrix sizes differ in -")
        var m = a
        for k in 0..<m.elements.count { m.elements[k] -= b.elements[k] }
        return m
    }

    /// Elementwise negation.
    public static prefix func - (a: Matrix) -> Matrix {
        Matrix(rows: a.rows, cols: a.cols, elements: a.elements.map { -$0 })
    }

    /// Scalar multiple.
    public static func * (s: Double, a: Matrix) -> Matrix {
        Matrix(rows: a.rows, cols: a.cols, elements: a.elements.map { s * $0 })
    }

    /// Scalar multiple.
    public static func * (a: Matrix, s: Double) -> Matrix { s * a }

    /// Division of every entry by a scalar.
    public static func / (a: Matrix, s: Double) -> Matrix {
        Matrix(rows: a.rows, cols: a.cols, elements: a.elements.map { $0 / s })
    }

    /// Matrix product (a.cols must equal b.rows).
    public static func * (a: Matrix, b: Matrix) -> Matrix {
        precondition(a.cols == b.rows, "Matrix product needs a.cols == b.rows (\(a.cols) vs \(b.rows))")
        let n = a.rows, p = a.cols, q = b.cols
        var out = [Double](repeating: 0, count: n * q)
        a.elements.withUnsafeBufferPointer { ap in
            b.elements.withUnsafeBufferPointer { bp in
                out.withUnsafeMutableBufferPointer { op in
                    for i in 0..<n {
                        for k in 0..<p {
                            let aik = ap[i * p + k]
                            if aik == 0 { continue }
                            for j in 0..<q { op[i * q + j] += aik * bp[k * q + j] }
                        }
                    }
                }
            }
        }
        return Matrix(rows: n, cols: q, elements: out)
    }

    /// Matrix times column vector.
    public static func * (a: Matrix, x: [Double]) -> [Double] {
        precondition(a.cols == x.count, "Matrix-vector product needs a.cols == x.count")
        var y = [Double](repeating: 0, count: a.rows)
        for i in 0..<a.rows {
            var s = 0.0
            for j in 0..<a.cols { s += a.elements[i * a.cols + j] * x[j] }
            y[i] = s
        }
        return y
    }

    /// In-place sum.
    public static func += (a: inout Matrix, b: Matrix) { a = a + b }
    /// In-place difference.
    public static func -= (a: inout Matrix, b: Matrix) { a = a - b }
}

/// Small vector helpers used across the module.
@inline(__always) func dot(_ a: [Double], _ b: [Double]) -> Double {
    precondition(a.count == b.count, "Vector lengths differ (\(a.count) vs \(b.count))")
    var s = 0.0
    for i in 0..<a.count { s += a[i] * b[i] }
    return s
}

@inline(__always) func add(_ a: [Double], _ b: [Double]) -> [Double] {
    precondition(a.count == b.count, "Vector lengths differ (\(a.count) vs \(b.count))")
    return zip(a, b).map { $0 + $1 }
}

@inline(__always) func subtract(_ a: [Double], _ b: [Double]) -> [Double] {
    precondition(a.count == b.count, "Vector lengths differ (\(a.count) vs \(b.count))")
    return zip(a, b).map { $0 - $1 }
}
