import Foundation

/// Independent oracle for tests: the moment ODEs dm/dt = −A(m − x*), dP/dt = −AP − PAᵀ + 2D integrated
/// with classical RK4 at a step far below the dynamics' time scale (error ≪ 1e-12).
enum ReferenceMoments {
    static func propagate(mean: [Double], covariance: [Double], a: [Double], xStar: [Double], diffusion: [Double],
                          time t: Double, steps: Int = 40_000) -> (mean: [Double], covariance: [Double]) {
        let n = mean.count
        func rhs(_ y: [Double]) -> [Double] {
            var out = [Double](repeating: 0, count: n + n * n)
            for i in 0..<n {
                var s = 0.0
                for j in 0..<n { s -= a[i * n + j] * (y[j] - xStar[j]) }
                out[i] = s
            }
            for i in 0..<n {
                for j in 0..<n {
                    var s = 2 * diffusion[i * n + j]
                    for k in 0..<n { s -= a[i * n + k] * y[n + k * n + j] + y[n + i * n + k] * a[j * n + k] }
                    out[n + i * n + j] = s
                }
            }
            return out
        }
        var y = mean + covariance
        let h = t / Double(steps)
        for _ in 0..<steps {
            let k1 = rhs(y)
            let k2 = rhs(zip(y, k1).map { $0 + 0.5 * h * $1 })
            let k3 = rhs(zip(y, k2).map { $0 + 0.5 * h * $1 })
            let k4 = rhs(zip(y, k3).map { $0 + h * $1 })
            for i in y.indices { y[i] += h / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]) }
        }
        return (Array(y[0..<n]), Array(y[n...]))
    }
}
