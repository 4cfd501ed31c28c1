import Foundation
import Testing
import Spectral
import LangevinModel
@testable import FokkerPlanck

/// Parameter sets of physics.md §9.0 and §9.10.
enum ParameterSet: String, CaseIterable, Sendable {
    case p1, p2, p3, p4, p5, p6, m1

    var sde: LangevinSDE {
        let h3 = [[1.625, 0.649519], [0.649519, 0.875]]
        func make(_ eta: Double, _ beta: Double, _ s: Double, _ lam: Double, _ h: [[Double]], _ mu: [Double], _ noise: NoiseModel) -> LangevinSDE {
            try! LangevinSDE(hyperparameters: Hyperparameters(learningRate: eta, momentum: beta, batchSize: s, weightDecay: lam),
                             loss: QuadraticLoss(hessian: Matrix(h), minimum: mu), noise: noise)
        }
        switch self {
        case .p1: return make(0.1, 0.9, 1, 0, [[1]], [0], .hessian(scale: 1))
        case .p2: return make(0.1, 0, 2, 0.5, [[2]], [1], .hessian(scale: 1))
        case .p3: return make(0.05, 0.9, 8, 0.1, h3, [1, -0.5], .hessian(scale: 1))
        case .p4: return make(0.05, 0.9, 8, 0.1, h3, [1, -0.5], .matrix(Matrix([[1, 0], [0, 0.2]])))
        case .p5: return make(0.05, 0.9, 8, 0.1, h3, [1, -0.5], .isotropic(scale: 0.5))
        case .p6:
            let c = cos(Double.pi / 3), s = sin(Double.pi / 3)   // R diag(1, 0) Rᵀ with u = (−0.5, 0.866) flat
            return make(0.05, 0.9, 8, 0.05, [[c * c, c * s], [c * s, s * s]], [0, 0], .hessian(scale: 1))
        case .m1: return make(0.1, 0.9, 4, 0, [[1]], [0], .lossHessian(labelNoise: 1))
        }
    }
}

/// Result of a grid run compared with the exact law at every output time.
struct OracleComparison {
    var times: [Double] = []
    var meanErrors: [Double] = []        // max |Δmean| / sqrt(max |P|)
    var covarianceErrors: [Double] = []  // max |ΔP| / max |P|
    var l1Errors: [Double] = []          // ∫|p − p_exact|
    var lastCovariance: [Double] = []    // grid covariance at the last frame
    var summary: SimulationSummary?
    var worstMean: Double { meanErrors.max() ?? 0 }
    var worstCovariance: Double { covarianceErrors.max() ?? 0 }
    var worstL1: Double { l1Errors.max() ?? 0 }
}

/// Runs `sde` from `initial` on an automatically sized grid with `points` per axis and compares each
/// frame with the exact solution (Gaussian theory, or moment closure for state-dependent noise).
func compareWithExact(
    _ sde: LangevinSDE, initial: GaussianMixture, points: Int, stop: Double, every: Double,
    scheme: String = "lawson-dp54", tolerance: Double = 1e-10, step: Double? = nil, sigmas: Double = 7, boundaryTolerance: Double = 1e-5
) throws -> OracleComparison {
    let exact = ExactSolution(sde: sde, initial: initial)
    var planner = GridPlanner()
    planner.sigmas = sigmas
    let samples = (0...400).map { stop * Double($0) / 400 }
    let x0 = sde.stationaryPoint
    let widths = planner.automaticHalfWidths(exact.envelopes(times: samples), stationaryPoint: x0)
    let grid = try PhaseSpaceGrid(points: Array(repeating: points, count: x0.count), halfWidths: widths)
    let stepper = try TimeSteppers.make(scheme, dynamics: LinearDynamics(sde), grid: grid, effort: .estimate)
    let start = AlignedBuffer(count: grid.pointCount)
    try initial.sample(on: grid, origin: x0, into: start.buffer)
    let sim = Simulation(stepper: stepper, initialDensity: start)
    let exactField = AlignedBuffer(count: grid.pointCount)
    var result = OracleComparison()
    result.summary = try sim.run(SimulationSettings(stopTime: stop, outputEvery: every, tolerance: tolerance, fixedStep: step,
                                                     boundaryTolerance: boundaryTolerance)) { frame in
        let m = exact.moments(at: frame.time)
        let scale = m.covariance.map(abs).max()!
        result.times.append(frame.time)
        result.lastCovariance = frame.moments.covariance
        result.meanErrors.append(zip(frame.moments.mean, m.mean).map { abs($0 - $1) }.max()! / scale.squareRoot())
        result.covarianceErrors.append(zip(frame.moments.covariance, m.covariance).map { abs($0 - $1) }.max()! / scale)
        if let mixture = exact.density(at: frame.time) {
            try mixture.sample(on: grid, origin: x0, into: exactField.buffer)
            result.l1Errors.append(Quadrature.l1Distance(frame.density, UnsafeBufferPointer(exactField.buffer), on: grid))
        }
    }
    return result
}

/// A Gaussian start offset from the stationary point by `offset` (uncentred = x* + offset).
func gaussianStart(_ sde: LangevinSDE, offset: [Double], variances: [Double]) -> GaussianMixture {
    let n = variances.count
    var cov = [Double](repeating: 0, count: n * n)
    for i in 0..<n { cov[i * n + i] = variances[i] }
    return GaussianMixture(mean: zip(sde.stationaryPoint, offset).map(+), covariance: cov)
}
