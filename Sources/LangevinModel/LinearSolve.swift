import Foundation

/// LU factorisation with partial pivoting, P A = L U, stored compactly.
struct LUDecomposition: Sendable {
    let n: Int
    /// L (unit lower, below the diagonal) and U (on and above), row-major.
    var lu: [Double]
    /// Row i of P A is row pivots[i] of A.
    var pivots: [Int]
    /// +1 or −1: the sign of the permutation.
    var parity: Double
    /// True when some pivot is below n·ε·maxAbs(A): the matrix is singular to working precision.
    var isSingular: Bool

    init(_ a: Matrix) {
        precondition(a.isSquare, "LU needs a square matrix")
        n = a.rows
        lu = a.elements
        pivots = Array(0..<n)
        parity = 1
        isSingular = false
        // Relative rank threshold: a pivot this small is round-off, not information.
        let threshold = Double(max(n, 1)) * Double.ulpOfOne * a.maxAbs
        let n = self.n
        lu.withUnsafeMutableBufferPointer { m in
            for k in 0..<n {
                var p = k
                var best = abs(m[k * n + k])
                for i in (k + 1)..<max(k + 1, n) where abs(m[i * n + k]) > best {
                    best = abs(m[i * n + k])
                    p = i
                }
                if !(best > threshold) {  // also catches NaN
                    isSingular = true
                    continue
                }
                if p != k {
                    for j in 0..<n { m.swapAt(k * n + j, p * n + j) }
                    pivots.swapAt(k, p)
                    parity = -parity
                }
                let pivot = m[k * n + k]
                for i in (k + 1)..<max(k + 1, n) {
                    let f = m[i * n + k] / pivot
                    if f == 0 { continue }
                    m[i * n + k] = f
                    for j in (k + 1)..<n { m[i * n + j] -= f * m[k * n + j] }
                }
            }
        }
    }

    var determinant: Double {
        if isSingular { return 0 }
        var d = parity
        for i in 0..<n { d *= lu[i * n + i] }
        return d
    }

    /// Solves A X = B column by column.
    func solve(_ b: Matrix) throws(ModelError) -> Matrix {
        precondition(b.rows == n, "Right-hand side has \(b.rows) rows, system has \(n)")
        if isSingular { throw ModelError.singularMatrix(size: n) }
        let q = b.cols
        var x = Matrix.zeros(n, q)
        lu.withUnsafeBufferPointer { m in
            x.elements.withUnsafeMutableBufferPointer { xs in
                for i in 0..<n {
                    for j in 0..<q { xs[i * q + j] = b.elements[pivots[i] * q + j] }
                }
                // Forward substitution with unit L.
                for i in 0..<n {
                    for k in 0..<i {
                        let f = m[i * n + k]
                        if f == 0 { continue }
                        for j in 0..<q { xs[i * q + j] -= f * xs[k * q + j] }
                    }
                }
                // Back substitution with U.
                for i in stride(from: n - 1, through: 0, by: -1) {
                    for k in (i + 1)..<max(i + 1, n) {
                        let f = m[i * n + k]
                        if f == 0 { continue }
                        for j in 0..<q { xs[i * q + j] -= f * xs[k * q + j] }
                    }
                    let d = m[i * n + i]
                    for j in 0..<q { xs[i * q + j] /= d }
                }
            }
        }
        return x
    }
}

extension Matrix {
    /// Solves A X = B by LU with partial pivoting; throws `ModelError.singularMatrix` when A is singular
    /// to working precision (a pivot below n·ε·max|A_ij|).
    public func solve(_ b: Matrix) throws(ModelError) -> Matrix {
        try LUDecomposition(self).solve(b)
    }

    /// Solves A x = b for a vector b.
    public func solve(_ b: [Double]) throws(ModelError) -> [Double] {
        try solve(Matrix(rows: b.count, cols: 1, elements: b)).elements
    }

    /// A⁻¹ by LU; throws `ModelError.singularMatrix` when A is singular to working precision.
    public func inverse() throws(ModelError) -> Matrix {
        try solve(Matrix.identity(rows))
    }

    /// det A from the LU factors (0 when singular to working precision).
    public var determinant: Double {
        if rows == 0 { return 1 }
        return LUDecomposition(self).determinant
    }

    /// The lower-triangular Cholesky factor L with A = L Lᵀ of a symmetric positive-definite matrix;
    /// throws `ModelError.notPositiveDefinite` otherwise. Only the lower triangle of A is read.
    public func cholesky() throws(ModelError) -> Matrix {
        precondition(isSquare, "cholesky needs a square matrix")
        let n = rows
        var l = Matrix.zeros(n, n)
        for j in 0..<n {
            var s = self[j, j]
            for k in 0..<j { s -= l[j, k] * l[j, k] }
            guard s > 0, s.isFinite else { throw ModelError.notPositiveDefinite(size: n) }
            let d = s.squareRoot()
            l[j, j] = d
            for i in (j + 1)..<max(j + 1, n) {
                var t = self[i, j]
                for k in 0..<j { t -= l[i, k] * l[j, k] }
                l[i, j] = t / d
            }
        }
        return l
    }
}
