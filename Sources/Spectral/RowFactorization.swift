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
                guard let lower = solve(m, rhs, i) else { return nil }
                for j in 0..<i { c[j] = lower[j] }
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

    /// x with M x = r (row-major i×i) by elimination with partial pivoting, or nil when M is singular.
    private static func solve(_ m: [Double], _ r: [Double], _ n: Int) -> [Double]? {
        var a = m, x = r
        let scale = m.map(abs).max() ?? 0
        for k in 0..<n {
            let p = (k..<n).max { abs(a[$0 * n + k]) < abs(a[$1 * n + k]) }!
            guard abs(a[p * n + k]) > Double(n) * .ulpOfOne * scale else { return nil }
            if p != k {
                for j in 0..<n { a.swapAt(k * n + j, p * n + j) }
                x.swapAt(k, p)
            }
            for i in (k + 1)..<n {
                let f = a[i * n + k] / a[k * n + k]
                for j in k..<n { a[i * n + j] -= f * a[k * n + j] }
                x[i] -= f * x[k]
            }
        }
        for k in stride(from: n - 1, through: 0, by: -1) {
            var s = x[k]
            for j in (k + 1)..<n { s -= a[k * n + j] * x[j] }
            x[k] = s / a[k * n + k]
        }
        return x
    }
}
