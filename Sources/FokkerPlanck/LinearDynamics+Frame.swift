import LangevinModel
import Spectral

extension LinearDynamics {
    /// The same dynamics in the coordinates y = L⁻¹(x − x*) of a frame centred on the fixed point:
    /// dy = −L⁻¹AL y dt + L⁻¹√(2D) dW. L must be block lower-triangular in (θ, v), as the Cholesky factor
    /// of a covariance is, so that θ = θ* + L_θθ y_θ depends on y_θ alone and the noise stays on the y_v
    /// axes with D_y(y_θ) = L_vv⁻¹ D(θ) L_vv⁻ᵀ: every solver of these dynamics then runs in the frame unchanged.
    public func inFrame(_ frame: Frame) -> LinearDynamics {
        let d = parameterDimension, n = 2 * d
        precondition(frame.dimension == n && frame.mean.allSatisfy { $0 == 0 }, "a frame centred on the fixed point")
        precondition(frame.isBlockLowerTriangular(split: d), "a block lower-triangular frame")
        let l = Matrix(rows: n, cols: n, elements: frame.factor), inverse = Matrix(rows: n, cols: n, elements: frame.inverseFactor)
        let drift = inverse * Matrix(rows: n, cols: n, elements: driftMatrix) * l
        let lThetaTheta = l.block(rows: 0..<d, cols: 0..<d), inverseVV = inverse.block(rows: d..<n, cols: d..<n)
        let thetaStar = Array(stationaryPoint[0..<d]), original = velocityDiffusion
        let transform: @Sendable ([Double]) -> [Double] = { (inverseVV * Matrix(rows: d, cols: d, elements: $0) * inverseVV.transposed).elements }
        let constant = hasConstantDiffusion ? transform(original(thetaStar)) : nil
        return LinearDynamics(parameterDimension: d, driftMatrix: drift.elements, stationaryPoint: [Double](repeating: 0, count: n),
                              hasConstantDiffusion: hasConstantDiffusion) { y in
            constant ?? transform(original(zip(thetaStar, lThetaTheta * y).map(+)))
        }
    }
}
