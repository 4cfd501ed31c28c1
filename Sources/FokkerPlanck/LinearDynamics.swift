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
    /// Where x* lies in the coordinates of the grid the dynamics run on: zero for a grid centred on x*, and
    /// −L⁻¹μ in a frame centred on the density's mean μ (`inFrame`), where the drift is −A(y − y*).
    public let fixedPointOnGrid: [Double]
    /// D_vv at an uncentred θ, row-major d×d.
    public let velocityDiffusion: @Sendable ([Double]) -> [Double]
    /// True when D_vv does not depend on θ.
    public let hasConstantDiffusion: Bool

    public init(
        parameterDimension: Int, driftMatrix: [Double], stationaryPoint: [Double], fixedPointOnGrid: [Double]? = nil,
        hasConstantDiffusion: Bool, velocityDiffusion: @escaping @Sendable ([Double]) -> [Double]
    ) {
        let n = 2 * parameterDimension
        precondition(driftMatrix.count == n * n && stationaryPoint.count == n)
        self.parameterDimension = parameterDimension
        self.driftMatrix = driftMatrix
        self.stationaryPoint = stationaryPoint
        self.fixedPointOnGrid = fixedPointOnGrid ?? [Double](repeating: 0, count: n)
        precondition(self.fixedPointOnGrid.count == n)
        self.hasConstantDiffusion = hasConstantDiffusion
        self.velocityDiffusion = velocityDiffusion
    }

    public var phaseDimension: Int { 2 * parameterDimension }

    /// Whether the grid is centred on x*, as every solver but the Fokker–Planck operator itself assumes.
    public var isCentredOnFixedPoint: Bool { fixedPointOnGrid.allSatisfy { $0 == 0 } }
}
