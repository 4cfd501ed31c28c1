import Foundation

extension Matrix {
    /// Eigen-decomposition of a symmetric matrix by the cyclic Jacobi method.
    ///
    /// Only the symmetric part (A + Aᵀ)/2 is used. Eigenvalues come back in ascending order; the
    /// eigenvectors are the orthonormal columns of `vectors`, so A = V diag(values) Vᵀ. Each eigenvector
    /// is signed so that its largest-magnitude component is positive (the first such component on ties),
    /// which makes the result reproducible.
    public func symmetricEigen() -> (values: [Double], vectors: Matrix) {
        precondition(isSquare, "symmetricEigen needs a square matrix")
        let n = rows
        var a = symmetrized
        var v = Matrix.identity(n)
        if n == 0 { return ([], v) }

        let scale = a.frobeniusNorm
        if scale > 0 && scale.isFinite {
            for _ in 0..<100 {
                var off = 0.0
                for p in 0..<n { for q in (p + 1)..<max(p + 1, n) { off += a[p, q] * a[p, q] } }
                // Converged when the off-diagonal part is at round-off level of the whole matrix.
                if off.squareRoot() <= 1e-17 * scale { break }
                for p in 0..<(n - 1) {
                    for q in (p + 1)..<n {
                        let apq = a[p, q]
                        if apq == 0 { continue }
                        // Rotation that zeroes a_pq (Golub & Van Loan, Algorithm 8.5.1), small-angle branch.
                        let theta = (a[q, q] - a[p, p]) / (2 * apq)
                        let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                        let c = 1 / (t * t + 1).squareRoot()
                        let s = t * c
                        for k in 0..<n {
                            let akp = a[k, p], akq = a[k, q]
                            a[k, p] = c * akp - s * akq
                            a[k, q] = s * akp + c * akq
                        }
                        for k in 0..<n {
                            let apk = a[p, k], aqk = a[q, k]
                            a[p, k] = c * apk - s * aqk
                            a[q, k] = s * apk + c * aqk
                        }
                        a[p, q] = 0
                        a[q, p] = 0
                        for k in 0..<n {
                            let vkp = v[k, p], vkq = v[k, q]
                            v[k, p] = c * vkp - s * vkq
                            v[k, q] = s * vkp + c * vkq
                        }
                    }
                }
            }
        }

        let order = (0..<n).sorted { a[$0, $0] < a[$1, $1] }
        var vectors = Matrix.zeros(n, n)
        for (newCol, oldCol) in order.enumerated() {
            var col = v.column(oldCol)
            var lead = 0
            for k in 1..<max(1, n) where abs(col[k]) > abs(col[lead]) * (1 + 1e-12) { lead = k }
            if col[lead] < 0 { col = col.map { -$0 } }
            for k in 0..<n { vectors[k, newCol] = col[k] }
        }
        return (order.map { a[$0, $0] }, vectors)
    }
}
