import LangevinModel
import Spectral

extension LinearDynamics {
    /// The same dynamics in the coordinates y = L⁻¹(x − x* − μ) of a frame (μ measured from x*):
    /// dy = −L⁻¹AL (y − y*) dt + L⁻¹√(2D) dW, with the fixed point at y* = −L⁻¹μ (`fixedPointOnGrid`; zero for a
    /// frame centred on x*). L must be block lower-triangular in (θ, v), as the Cholesky factor of a covariance
    /// is, so that θ = θ* + μ_θ + L_θθ y_θ depends on y_θ alone and the noise stays on the y_v axes with
    /// D_y(y_θ) = L_vv⁻¹ D(θ) L_vv⁻ᵀ: every solver of these dynamics then runs in the frame unchanged.
    public func inFrame(_ frame: Frame) -> LinearDynamics {
        let d = parameterDimension, n = 2 * d
        precondition(frame.dimension == n && isCentredOnFixedPoint, "a frame of dynamics on a grid centred on x*")
        precondition(frame.isBlockLowerTriangular(split: d), "a block lower-triangular frame")
        let l = Matrix(rows: n, cols: n, elements: frame.factor), inverse = Matrix(rows: n, cols: n, elements: frame.inverseFactor)
        let drift = inverse * Matrix(rows: n, cols: n, elements: driftMatrix) * l
        let lThetaTheta = l.block(rows: 0..<d, cols: 0..<d), inverseVV = inverse.block(rows: d..<n, cols: d..<n)
        let thetaCentre = (0..<d).map { stationaryPoint[$0] + frame.mean[$0] }, original = velocityDiffusion
        let transform: @Sendable ([Double]) -> [Double] = { (inverseVV * Matrix(rows: d, cols: d, elements: $0) * inverseVV.transposed).elements }
        let constant = hasConstantDiffusion ? transform(original(thetaCentre)) : nil
        return LinearDynamics(parameterDimension: d, driftMatrix: drift.elements, stationaryPoint: [Double](repeating: 0, count: n),
                              fixedPointOnGrid: frame.frameCoordinates(of: [Double](repeating: 0, count: n)),
                              hasConstantDiffusion: hasConstantDiffusion) { y in
            constant ?? transform(original(zip(thetaCentre, lThetaTheta * y).map(+)))
        }
    }
}
