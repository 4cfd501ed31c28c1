import LangevinModel

/// Factors a linear map B into one row operation per axis: B = Rₙ₋₁ ⋯ R₁ R₀, where Rᵢ equals the identity
/// except for row i. Each Rᵢ acts on densities as one `AxisResampler` pass along axis i (apply Rₙ₋₁'s pass
/// first and R₀'s last). This is Gaussian elimination by rows, so it exists when every leading minor of B
/// is nonzero, which holds near the identity.
enum RowFactorization {
    /// Row i of Rᵢ for i = 0 … n−1, or nil when a leading minor vanishes or a pass would not have a
    /// positive scale (B far from the identity: use shorter sub-steps).
    static func rows(of b: Matrix) -> [[Double]]? {
        let n = b.rows
        var rows: [[Double]] = []
        for i in 0..<n {
            var c = [Double](repeating: 0, count: n)
            if i > 0 {
                // Σ_{j<i} cⱼ B_{jk} = B_{ik} for k < i.
                let leading = b.block(rows: 0..<i, cols: 0..<i).transposed
                guard let lower = try? leading.solve(Array(b.row(i)[0..<i])) else { return nil }
                for j in 0..<i { c[j] = lower[j] }
            }
            for k in i..<n {
                var s = b[i, k]
                for j in 0..<i { s -= c[j] * b[j, k] }
                c[k] = s
            }
            guard c[i] > 0, c.allSatisfy(\.isFinite) else { return nil }
            rows.append(c)
        }
        return rows
    }

    /// The product Rₙ₋₁ ⋯ R₀ of the row operations, for checking.
    static func product(_ rows: [[Double]]) -> Matrix {
        let n = rows.count
        var m = Matrix.identity(n)
        for (i, row) in rows.enumerated() {
            var r = Matrix.identity(n)
            for k in 0..<n { r[i, k] = row[k] }
            m = r * m
        }
        return m
    }
}
