/// What the Fokker–Planck solver needs to know about an SDE with linear drift and velocity-only noise:
/// dx = −A(x − x*) dt + √(2D(θ)) dW with D acting on the velocity block only.
///
/// Keeping this separate from the model's own types lets the solver run any such system, for example a
/// Kramers oscillator written down directly, not only SGD.
public struct LinearDynamics: Sendable {
    public let parameterDimension: Int
    /// A, row-major n×n with n = 2d.
    public let driftMatrix: [Double]
    /// x* = (θ*, 0), uncentred.
    public let stationaryPoint: [Double]
    /// D_vv at an uncentred θ, row-major d×d.
    public let velocityDiffusion: @Sendable ([Double]) -> [Double]
    /// True when D_vv does not depend on θ.
    public let hasConstantDiffusion: Bool

    public init(
        parameterDimension: Int, driftMatrix: [Double], stationaryPoint: [Double],
        hasConstantDiffusion: Bool, velocityDiffusion: @escaping @Sendable ([Double]) -> [Double]
    ) {
        let n = 2 * parameterDimension
        precondition(driftMatrix.count == n * n && stationaryPoint.count == n)
        self.parameterDimension = parameterDimension
        self.driftMatrix = driftMatrix
        self.stationaryPoint = stationaryPoint
        self.hasConstantDiffusion = hasConstantDiffusion
        self.velocityDiffusion = velocityDiffusion
    }

    public var phaseDimension: Int { 2 * parameterDimension }
}
