import Foundation
import LangevinModel
import ModifiedLoss
import ProbabilityCurrent
import Spectral

/// What the current of the stationary density measured, as the claims read it.
public struct CurrentEvidence: Sendable {
    /// ∫|J| dx.
    public var absoluteIntegral: Double
    /// max|J_θ − v p| / max|J|.
    public var thetaIdentityDeviation: Double
    /// ‖∇·J‖/‖p‖ per unit time.
    public var relativeDivergence: Double
    /// ∫(x − x*)Jᵀ dx.
    public var firstMoment: Matrix
    /// Entropy production per unit time, nil where D_vv is singular.
    public var entropyProduction: Double?
    /// Irreversible share of ∫|J| under momentum parity, the detailed-balance measure when D_vv is singular.
    public var irreversibleFraction: Double
    /// Measured rotation frequency and circulation of each eigen-plane (u_iᵀθ, u_iᵀv).
    public var rotationFrequencies: [Double]
    public var eigenPlaneCirculations: [Double]

    public init(absoluteIntegral: Double, thetaIdentityDeviation: Double, relativeDivergence: Double, firstMoment: Matrix,
                entropyProduction: Double?, irreversibleFraction: Double, rotationFrequencies: [Double], eigenPlaneCirculations: [Double]) {
        self.absoluteIntegral = absoluteIntegral
        self.thetaIdentityDeviation = thetaIdentityDeviation
        self.relativeDivergence = relativeDivergence
        self.firstMoment = firstMoment
        self.entropyProduction = entropyProduction
        self.irreversibleFraction = irreversibleFraction
        self.rotationFrequencies = rotationFrequencies
        self.eigenPlaneCirculations = eigenPlaneCirculations
    }

    public init(_ s: CurrentSummary) {
        self.init(absoluteIntegral: s.absoluteIntegral, thetaIdentityDeviation: s.thetaIdentityDeviation, relativeDivergence: s.relativeDivergence,
                  firstMoment: s.firstMoment, entropyProduction: s.entropyProduction, irreversibleFraction: s.irreversibleFraction,
                  rotationFrequencies: s.rotationFrequencies, eigenPlaneCirculations: s.eigenPlaneCirculations)
    }
}

/// What the stationary solve and the analysis of its density measured.
public struct StationaryEvidence: Sendable {
    /// ‖L p‖/‖p‖ of the solved density, and the bound a stationary density must meet.
    public var residual: Double
    public var residualTolerance: Double
    /// Mean (centred at x*) and covariance of the solved density.
    public var mean: [Double]
    public var covariance: Matrix
    /// ∫|p − p_Lyapunov| when the law is Gaussian.
    public var l1ToExact: Double?
    /// Hessian U of the quadratic fitted to −log p, and the rms of what the quadratic leaves.
    public var fittedPrecision: Matrix
    public var fitResidual: Double
    public var current: CurrentEvidence

    public init(residual: Double, residualTolerance: Double, mean: [Double], covariance: Matrix, l1ToExact: Double?,
                fittedPrecision: Matrix, fitResidual: Double, current: CurrentEvidence) {
        self.residual = residual
        self.residualTolerance = residualTolerance
        self.mean = mean
        self.covariance = covariance
        self.l1ToExact = l1ToExact
        self.fittedPrecision = fittedPrecision
        self.fitResidual = fitResidual
        self.current = current
    }

    /// The evidence of a solved density and its analysis.
    public init(residual: Double, residualTolerance: Double, moments: DensityMoments, l1ToExact: Double?,
                modifiedLoss: ModifiedLossResult, current: CurrentSummary) {
        let n = moments.mean.count
        self.init(residual: residual, residualTolerance: residualTolerance, mean: moments.mean,
                  covariance: Matrix(rows: n, cols: n, elements: moments.covariance), l1ToExact: l1ToExact,
                  fittedPrecision: modifiedLoss.fittedPrecision, fitResidual: modifiedLoss.fitResidual, current: CurrentEvidence(current))
    }

    /// The evidence a perfect solver would give for a Gaussian stationary law: everything from the exact
    /// theory (physics.md §6), with `residualTolerance` as the stationarity bound.
    public static func exact(_ sde: LangevinSDE, residualTolerance: Double = 1e-6) throws -> StationaryEvidence {
        let theory = try StationaryTheory(sde)
        let current = CurrentEvidence(
            absoluteIntegral: theory.currentAbsoluteIntegral!, thetaIdentityDeviation: 0, relativeDivergence: 0,
            firstMoment: theory.circulation, entropyProduction: theory.entropyProduction,
            irreversibleFraction: theory.entropyProduction == 0 ? 0 : .nan,
            rotationFrequencies: theory.rotationFrequencies, eigenPlaneCirculations: theory.eigenPlaneCirculations)
        return StationaryEvidence(residual: 0, residualTolerance: residualTolerance, mean: [Double](repeating: 0, count: sde.phaseDimension),
                                  covariance: theory.law.covariance, l1ToExact: 0, fittedPrecision: theory.precision, fitResidual: 0,
                                  current: current)
    }
}

/// Moments of a transient run, for the claims about flat directions.
public struct TransientEvidence: Sendable {
    public var times: [Double]
    /// Uncentred means and row-major covariances at those times, the first at the start.
    public var means: [[Double]]
    public var covariances: [[Double]]

    public init(times: [Double], means: [[Double]], covariances: [[Double]]) {
        self.times = times
        self.means = means
        self.covariances = covariances
    }
}

/// Everything a claim may look at: the model and what the run measured.
public struct Evidence: Sendable {
    public var sde: LangevinSDE
    public var stationary: StationaryEvidence?
    /// Why there is no stationary evidence, when there is none.
    public var stationaryUnavailable: String?
    public var transient: TransientEvidence?

    public init(sde: LangevinSDE, stationary: StationaryEvidence?, stationaryUnavailable: String? = nil, transient: TransientEvidence? = nil) {
        self.sde = sde
        self.stationary = stationary
        self.stationaryUnavailable = stationaryUnavailable
        self.transient = transient
    }
}
