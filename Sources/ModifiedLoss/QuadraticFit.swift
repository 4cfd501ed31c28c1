import LangevinModel

/// A least-squares fit f(x) ≈ c + bᵀx + ½xᵀKx over sample points, for reading a precision matrix off a
/// potential. Coordinates are scaled to O(1) per axis before the normal equations are formed, so that a
/// quadratic potential is recovered to about 1e-12 of its Hessian.
struct QuadraticFit {
    /// K (n×n), in the unscaled coordinates.
    let hessian: Matrix
    /// b (n).
    let gradient: [Double]
    let constant: Double
    /// Root-mean-square of f − fit over the samples.
    let rmsResidual: Double

    /// The stationary point −K⁻¹b of the fitted quadratic, when K is invertible.
    var centre: [Double]? { (try? hessian.solve(gradient)).map { $0.map { -$0 } } }

    /// Fits over the points for which `value(i)` is non-nil; `coordinates(i, &x)` fills point i's coordinates
    /// and `scales` are their typical sizes.
    static func fit(count: Int, dimension n: Int, scales: [Double], coordinates: (Int, inout [Double]) -> Void,
                    value: (Int) -> Double?) throws -> QuadraticFit {
        let pairs = (0..<n).flatMap { a in (a..<n).map { (a, $0) } }
        let k = 1 + n + pairs.count
        var normal = [Double](repeating: 0, count: k * k)
        var rhs = [Double](repeating: 0, count: k)
        var features = [Double](repeating: 0, count: k)
        var x = [Double](repeating: 0, count: n)
        var samples = 0
        func fill(_ i: Int) {
            coordinates(i, &x)
            features[0] = 1
            for a in 0..<n { features[1 + a] = x[a] / scales[a] }
            for (m, (a, b)) in pairs.enumerated() { features[1 + n + m] = features[1 + a] * features[1 + b] }
        }
        for i in 0..<count {
            guard let f = value(i) else { continue }
            samples += 1
            fill(i)
            for r in 0..<k {
                rhs[r] += features[r] * f
                for c in r..<k { normal[r * k + c] += features[r] * features[c] }
            }
        }
        guard samples >= k else { throw ModelError.singularMatrix(size: k) }
        for r in 0..<k { for c in 0..<r { normal[r * k + c] = normal[c * k + r] } }
        let coefficients = try Matrix(rows: k, cols: k, elements: normal).solve(rhs)

        var hessian = Matrix.zeros(n, n)
        for (m, (a, b)) in pairs.enumerated() {
            let c = coefficients[1 + n + m] / (scales[a] * scales[b])
            if a == b { hessian[a, a] = 2 * c } else { hessian[a, b] = c; hessian[b, a] = c }
        }
        let gradient = (0..<n).map { coefficients[1 + $0] / scales[$0] }
        var squares = 0.0
        for i in 0..<count {
            guard let f = value(i) else { continue }
            fill(i)
            var model = 0.0
            for r in 0..<k { model += coefficients[r] * features[r] }
            squares += (f - model) * (f - model)
        }
        return QuadraticFit(hessian: hessian, gradient: gradient, constant: coefficients[0],
                            rmsResidual: (squares / Double(samples)).squareRoot())
    }
}
