import Spectral

extension LinearDynamics {
    /// The same dynamics in the coordinates y = L⁻¹(x − x*) of a frame centred on the fixed point:
    /// dy = −L⁻¹AL y dt + L⁻¹√(2D) dW. L must be block lower-triangular in (θ, v), as the Cholesky factor
    /// of a covariance is, so that θ = θ* + L_θθ y_θ depends on y_θ alone and the noise stays on the y_v
    /// axes with D_y(y_θ) = L_vv⁻¹ D(θ) L_vv⁻ᵀ: every solver of these dynamics then runs in the frame unchanged.
    public func inFrame(_ frame: Frame) -> LinearDynamics {
        let d = parameterDimension, n = 2 * d
        precondition(frame.dimension == n && frame.mean.allSatisfy { $0 == 0 }, "a frame centred on the fixed point")
        let l = frame.factor, inverse = frame.inverseFactor
        precondition(frame.isBlockLowerTriangular(split: d), "a block lower-triangular frame")
        var drift = [Double](repeating: 0, count: n * n)  // L⁻¹ A L
        for i in 0..<n {
            for j in 0..<n {
                var s = 0.0
                for k in 0..<n where inverse[i * n + k] != 0 { for m in 0..<n { s += inverse[i * n + k] * driftMatrix[k * n + m] * l[m * n + j] } }
                drift[i * n + j] = s
            }
        }
        let lThetaTheta = (0..<d).flatMap { i in (0..<d).map { l[i * n + $0] } }
        let inverseVV = (0..<d).flatMap { i in (0..<d).map { inverse[(d + i) * n + d + $0] } }
        let thetaStar = Array(stationaryPoint[0..<d])
        let original = velocityDiffusion
        let transform: @Sendable ([Double]) -> [Double] = { dvv in
            var half = [Double](repeating: 0, count: d * d), result = [Double](repeating: 0, count: d * d)
            for i in 0..<d { for j in 0..<d { for k in 0..<d { half[i * d + j] += inverseVV[i * d + k] * dvv[k * d + j] } } }
            for i in 0..<d { for j in 0..<d { for k in 0..<d { result[i * d + j] += half[i * d + k] * inverseVV[j * d + k] } } }
            return result
        }
        let constant = hasConstantDiffusion ? transform(original(thetaStar)) : nil
        return LinearDynamics(parameterDimension: d, driftMatrix: drift, stationaryPoint: [Double](repeating: 0, count: n),
                              hasConstantDiffusion: hasConstantDiffusion) { y in
            if let constant { return constant }
            let theta = (0..<d).map { i in (0..<d).reduce(thetaStar[i]) { $0 + lThetaTheta[i * d + $1] * y[$1] } }
            return transform(original(theta))
        }
    }
}
