import Foundation
import FokkerPlanck
import LangevinModel
import Spectral
import StationaryDistribution

/// The direct stationary solve against time marching to the same residual, on the same grid from the same
/// start: the stationary Gaussian widened by 1.5 and moved by half a standard deviation along θ₁.
///
/// Exact marching (the exact propagator over one relaxation time per interval, the residual checked
/// between intervals and not timed) gives the simulated time t* that this start needs to relax to the
/// target. lawson-dp54's cost per unit time is constant (its step is held by transport stability), so it
/// is timed over a window and multiplied by t*.
public struct StationaryBenchmark {
    public struct Case: Sendable {
        public let name: String
        let model: ReferenceModel
        let points: Int
        let target: Double
        /// lawson-dp54's timing window.
        let window: Double
    }

    public struct Row: Sendable {
        public var caseName: String
        public var grid: String
        public var target: Double
        public var directSeconds: Double
        public var applications: Int
        public var residual: Double
        /// Simulated time the exact march needed, whether it reached the target, and its last residual.
        public var marchTime: Double
        public var marchReached: Bool
        public var marchResidual: Double
        public var marchSeconds: Double
        public var dp54Seconds: Double
        public var dp54Window: Double
        /// lawson-dp54's time scaled to the march's simulated time.
        public var dp54ToMarchTime: Double
    }

    public static let cases = [
        Case(name: "p1-256", model: .p1, points: 256, target: 1e-10, window: 2),
        Case(name: "p3-48", model: .p3, points: 48, target: 1e-10, window: 0.05),
        Case(name: "m1-128", model: .m1, points: 128, target: 1e-5, window: 2),
    ]

    public init() {}

    /// Runs the named cases (or all) and hands over each row as it comes.
    public func run(names: [String], onRow: (Row) -> Void) throws {
        FFTWRuntime.importWisdom(from: FFTWRuntime.defaultWisdomPath)
        defer { FFTWRuntime.exportWisdom(to: FFTWRuntime.defaultWisdomPath) }
        for c in Self.cases where names.contains(c.name) || names == ["all"] {
            let sde = c.model.sde
            let grid = try StationarySolver.grid(for: sde, points: Array(repeating: c.points, count: sde.phaseDimension))
            let solver = try StationarySolver(sde: sde, grid: grid, effort: .measure)
            let start = try solver.offsetStart()
            _ = solver.residual(of: start)
            let direct = solver.solve(from: start, settings: StationarySolverSettings(residualTolerance: c.target, maxApplications: 2000))

            // Exact (or, for state-dependent noise, Strang) marching in intervals of one relaxation time,
            // until the residual, checked between intervals and not timed, reaches the target or stalls.
            let dynamics = LinearDynamics(sde)
            let marcher = try TimeSteppers.make(dynamics.hasConstantDiffusion ? "exact" : "exact-strang", dynamics: dynamics, grid: grid, effort: .measure)
            let interval = solver.slowestRelaxationTime
            let watch = ResidualTarget(solver: solver, target: c.target)
            let march = try Simulation(stepper: marcher, initialDensity: start).run(
                SimulationSettings(stopTime: 400 * interval, outputEvery: interval, tolerance: 1e-10, boundaryTolerance: .infinity, massTolerance: 1e-6),
                observers: [watch])

            // lawson-dp54 over its window.
            let dp54 = try TimeSteppers.make("lawson-dp54", dynamics: dynamics, grid: grid, effort: .measure)
            let summary = try Simulation(stepper: dp54, initialDensity: start).run(
                SimulationSettings(stopTime: c.window, outputEvery: c.window, tolerance: 1e-10, boundaryTolerance: 1e-3), observers: [])
            onRow(Row(caseName: c.name, grid: grid.shape.map(String.init).joined(separator: "×"), target: c.target,
                      directSeconds: direct.wallTime, applications: direct.applications, residual: direct.residual,
                      marchTime: watch.time, marchReached: watch.residual <= c.target, marchResidual: watch.residual,
                      marchSeconds: march.solverTime, dp54Seconds: summary.solverTime, dp54Window: c.window,
                      dp54ToMarchTime: summary.solverTime / c.window * watch.time))
        }
    }
}

/// Stops a march once the residual ‖L p‖/‖p‖ reaches the target, or stops falling (the scheme's own floor).
final class ResidualTarget: FrameObserver {
    let solver: StationarySolver
    let target: Double
    private(set) var time = 0.0
    private(set) var residual = Double.infinity
    private var best = Double.infinity
    private var stalled = false
    private let field: AlignedBuffer

    init(solver: StationarySolver, target: Double) {
        self.solver = solver
        self.target = target
        field = solver.grid.makeField()
    }

    func observe(_ frame: SimulationFrame) throws {
        guard frame.time > 0 else { return }
        for i in 0..<frame.density.count { field[i] = frame.density[i] }
        time = frame.time
        residual = solver.residual(of: field)
        stalled = residual > 0.999 * best && residual > target
        best = min(best, residual)
    }

    var isSatisfied: Bool { residual <= target || stalled }
}
