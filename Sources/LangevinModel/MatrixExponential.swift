import Foundation

extension Matrix {
    /// e^A by scaling and squaring with Padé approximants of degree 3, 5, 7, 9 or 13
    /// (Higham, SIAM J. Matrix Anal. Appl. 26 (2005) 1179, Algorithm 2.3).
    ///
    /// The degree and the number of squarings are chosen from ‖A‖₁ so that the backward error is below
    /// the unit round-off. Returns a matrix of NaNs if A has non-finite entries.
    public func exponential() -> Matrix {
        precondition(isSquare, "exponential needs a square matrix")
        let n = rows
        if n == 0 { return self }
        guard isFinite else { return Matrix(rows: n, cols: n, elements: [Double](repeating: .nan, count: n * n)) }
        let norm = oneNorm
        if norm == 0 { return .identity(n) }

        // θ_m of Higham (2005), Table 2.3: the largest ‖A‖₁ for which the degree-m Padé approximant is
        // accurate to unit round-off without scaling.
        for (m, theta) in [(3, 1.495585217958292e-2), (5, 2.539398330063230e-1),
                           (7, 9.504178996162932e-1), (9, 2.097847961257068)] where norm <= theta {
            return Self.padeLowDegree(self, degree: m)
        }
        let theta13 = 5.371920351148152
        // An infinite or NaN norm has no scaling that helps: the result is NaN, which every caller checks.
        guard norm.isFinite else { return Matrix(rows: n, cols: n, elements: [Double](repeating: .nan, count: n * n)) }
        let s = Int(clamping: log2(norm / theta13), to: 0...2000, rounding: .up)
        var e = Self.pade13(s == 0 ? self : self / Double(sign: .plus, exponent: s, significand: 1))
        for _ in 0..<s { e = e * e }
        return e
    }

    private static let padeCoefficients: [Int: [Double]] = [
        3: [120, 60, 12, 1],
        5: [30240, 15120, 3360, 420, 30, 1],
        7: [17297280, 8648640, 1995840, 277200, 25200, 1512, 56, 1],
        9: [17643225600, 8821612800, 2075673600, 302702400, 30270240, 2162160, 110880, 3960, 90, 1],
    ]

    private static func padeLowDegree(_ a: Matrix, degree m: Int) -> Matrix {
        let b = padeCoefficients[m]!
        let n = a.rows
        let ident = Matrix.identity(n)
        // Even powers A², A⁴, … up to A^(m−1).
        var powers = [ident]
        let a2 = a * a
        while 2 * powers.count <= m - 1 { powers.append(powers.last! * a2) }
        var uInner = Matrix.zeros(n, n)
        var v = Matrix.zeros(n, n)
        for (k, p) in powers.enumerated() {
            uInner += b[2 * k + 1] * p
            v += b[2 * k] * p
        }
        return padeQuotient(u: a * uInner, v: v)
    }

    private static func pade13(_ a: Matrix) -> Matrix {
        let b: [Double] = [64764752532480000, 32382376266240000, 7771770303897600, 1187353796428800,
                           129060195264000, 10559470521600, 670442572800, 33522128640, 1323241920,
                           40840800, 960960, 16380, 182, 1]
        let ident = Matrix.identity(a.rows)
        let a2 = a * a, a4 = a2 * a2, a6 = a4 * a2
        let u = a * (a6 * (b[13] * a6 + b[11] * a4 + b[9] * a2) + b[7] * a6 + b[5] * a4 + b[3] * a2 + b[1] * ident)
        let v = a6 * (b[12] * a6 + b[10] * a4 + b[8] * a2) + b[6] * a6 + b[4] * a4 + b[2] * a2 + b[0] * ident
        return padeQuotient(u: u, v: v)
    }

    /// r_m(A) = (V − U)⁻¹ (V + U).
    private static func padeQuotient(u: Matrix, v: Matrix) -> Matrix {
        do {
            return try (v - u).solve(v + u)
        } catch {
            // V − U is well conditioned for ‖A‖₁ ≤ θ_m (Higham 2005, §2); this is unreachable for finite input.
            return Matrix(rows: u.rows, cols: u.cols, elements: [Double](repeating: .nan, count: u.elements.count))
        }
    }
}
