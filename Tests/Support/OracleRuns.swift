import Foundation
import FokkerPlanck
import LangevinModel
import Spectral

/// Result of a grid run compared with the exact law at every output time.
public struct OracleComparison {
    public var times: [Double] = []
    /// max |Δmean| / sqrt(max |P|), max |ΔP| / max |P| and ∫|p − p_exact| per frame.
    public var meanErrors: [Double] = []
    public var covarianceErrors: [Double] = []
    public var l1Errors: [Double] = []
    /// Grid covariance at the last frame.
    public var lastCovariance: [Double] = []
    public var summary: SimulationSummary?
    public var worstMean: Double { meanErrors.max() ?? 0 }
    public var worstCovariance: Double { covarianceErrors.max() ?? 0 }
    public var worstL1: Double { l1Errors.max() ?? 0 }

    /// Takes the per-frame errors of a finished run.
    mutating func record(_ comparison: ExactComparison, _ moments: MomentRecorder) {
        times = comparison.records.map(\.time)
        meanErrors = comparison.records.map(\.meanError)
        covarianceErrors = comparison.records.map(\.covarianceError)
        l1Errors = comparison.records.compactMap(\.l1Error)
        lastCovariance = moments.covariances.last ?? []
    }
}

/// Runs `sde` from `initial` on an automatically sized grid with `points` per axis and compares each
/// frame with the exact solution (Gaussian theory, or moment closure for state-dependent noise).
public func compareWithExact(
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
    let start = grid.makeField()
    try initial.sample(on: grid, origin: x0, into: start.buffer)
    let comparison = ExactComparison(exact, grid: grid, origin: x0)
    let moments = MomentRecorder()
    var result = OracleComparison()
    result.summary = try Simulation(stepper: stepper, initialDensity: start).run(
        SimulationSettings(stopTime: stop, outputEvery: every, tolerance: tolerance, fixedStep: step, boundaryTolerance: boundaryTolerance),
        observers: [comparison, moments])
    result.record(comparison, moments)
    return result
}

/// A Gaussian start offset from the stationary point by `offset` (uncentred = x* + offset).
public func gaussianStart(_ sde: LangevinSDE, offset: [Double], variances: [Double]) -> GaussianMixture {
    let n = variances.count
    var cov = [Double](repeating: 0, count: n * n)
    for i in 0..<n { cov[i * n + i] = variances[i] }
    return GaussianMixture(mean: zip(sde.stationaryPoint, offset).map(+), covariance: cov)
}

/// Runs that several suites check, computed once per test process under a name that says what they are.
public enum SharedRuns {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var cache: [String: OracleComparison] = [:]

    public static func run(_ name: String, _ compute: () throws -> OracleComparison) rethrows -> OracleComparison {
        lock.lock()
        defer { lock.unlock() }
        if let hit = cache[name] { return hit }
        let result = try compute()
        cache[name] = result
        return result
    }
}

/// Runs `sde` from `initial` with `scheme` in an adapted frame: `framePoints` per axis on the frame box
/// ±`frameHalfWidth`, output on an axis-aligned grid of `outputPoints` per axis sized for the whole run.
/// Errors are those the frame representation has: L¹ in the frame (equal to the physical one), moments
/// from the frame grid.
public func compareInAdaptedFrame(
    _ sde: LangevinSDE, initial: GaussianMixture, framePoints: Int, frameHalfWidth: Double = 7.5, outputPoints: Int = 16,
    stop: Double, every: Double, scheme: String = "exact", tolerance: Double = 1e-10, step: Double? = nil
) throws -> OracleComparison {
    let exact = ExactSolution(sde: sde, initial: initial)
    let x0 = sde.stationaryPoint, n = x0.count
    let samples = (0...400).map { stop * Double($0) / 400 }
    let widths = GridPlanner().automaticHalfWidths(exact.envelopes(times: samples), stationaryPoint: x0)
    let grid = try PhaseSpaceGrid(points: Array(repeating: outputPoints, count: n), halfWidths: widths)
    let frameGrid = try PhaseSpaceGrid(points: Array(repeating: framePoints, count: n), halfWidths: Array(repeating: frameHalfWidth, count: n))
    let (mean, covariance) = initial.moments
    let stepper = try TimeSteppers.makeInFrame(scheme, dynamics: LinearDynamics(sde), grid: grid, frameGrid: frameGrid,
                                               mean: zip(mean, x0).map(-), covariance: covariance, effort: .estimate)
    let representation = stepper.representation as! any AdaptedFrameRepresentation
    let state = representation.makeState()
    try representation.load(initial, origin: x0, into: state)
    let comparison = ExactComparison(exact, grid: grid, origin: x0)
    let moments = MomentRecorder()
    var result = OracleComparison()
    result.summary = try Simulation(stepper: stepper, initialState: state).run(
        SimulationSettings(stopTime: stop, outputEvery: every, tolerance: tolerance, fixedStep: step), observers: [comparison, moments])
    result.record(comparison, moments)
    return result
}
