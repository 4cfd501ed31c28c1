/// Factors a linear map B (row-major n×n) into one row operation per axis: B = Rₙ₋₁ ⋯ R₁ R₀, where Rᵢ
/// equals the identity except for row i. Each Rᵢ changes one coordinate, so it acts on a field as one
/// pass along axis i (`AxisResampler` in physical space, `AffineSpectralMap` on wavenumbers). This is
/// Gaussian elimination by rows, so it exists when every leading minor of B is nonzero, which holds near
/// the identity.
public enum RowFactorization {
    /// Row i of Rᵢ for i = 0 … n−1, or nil when a leading minor vanishes or a pass would not have a
    /// positive scale (B far from the identity: split the map).
    public static func rows(of b: [Double], dimension n: Int) -> [[Double]]? {
        precondition(b.count == n * n)
        var rows: [[Double]] = []
        for i in 0..<n {
            var c = [Double](repeating: 0, count: n)
            if i > 0 {
                // Σ_{j<i} cⱼ B_{jk} = B_{ik} for k < i: the leading block transposed, solved by elimination.
                var m = [Double](repeating: 0, count: i * i), rhs = [Double](repeating: 0, count: i)
                for k in 0..<i {
                    for j in 0..<i { m[k * i + j] = b[j * n + k] }
                    rhs[k] = b[i * n + k]
                }
                guard let inverse = SmallMatrix.inverse(m, i) else { return nil }
                for j in 0..<i { c[j] = (0..<i).reduce(0) { $0 + inverse[j * i + $1] * rhs[$1] } }
            }
            for k in i..<n {
                var s = b[i * n + k]
                for j in 0..<i { s -= c[j] * b[j * n + k] }
                c[k] = s
            }
            guard c[i] > 0, c.allSatisfy(\.isFinite) else { return nil }
            rows.append(c)
        }
        return rows
    }

    /// The product Rₙ₋₁ ⋯ R₀ of the row operations (row-major), for checking.
    public static func product(_ rows: [[Double]]) -> [Double] {
        let n = rows.count
        var m = [Double](repeating: 0, count: n * n)
        for i in 0..<n { m[i * n + i] = 1 }
        for (i, row) in rows.enumerated() {
            // Row i of R·M is Σₖ row[k]·(row k of M); the other rows stay.
            var new = [Double](repeating: 0, count: n)
            for k in 0..<n { for j in 0..<n { new[j] += row[k] * m[k * n + j] } }
            for j in 0..<n { m[i * n + j] = new[j] }
        }
        return m
    }
}
