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
struct StationaryBench {
    struct Case {
        let name: String
        let model: ReferenceModel
        let points: Int
        let target: Double
        /// lawson-dp54's timing window.
        let window: Double
    }

    static let cases = [
        Case(name: "p1-256", model: .p1, points: 256, target: 1e-10, window: 2),
        Case(name: "p3-48", model: .p3, points: 48, target: 1e-10, window: 0.05),
        Case(name: "m1-128", model: .m1, points: 128, target: 1e-5, window: 2),
    ]

    static func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }

    static func offsetStart(_ sde: LangevinSDE, grid: PhaseSpaceGrid) throws -> AlignedBuffer {
        let law = sde.noise.isStateDependent ? try MomentClosure.stationary(sde) : try GaussianTheory.stationary(sde)
        var mean = law.mean
        mean[0] += 0.5 * law.covariance[0, 0].squareRoot()
        let start = AlignedBuffer(count: grid.pointCount)
        try GaussianMixture(mean: mean, covariance: (2.25 * law.covariance).elements).sample(on: grid, origin: sde.stationaryPoint, into: start.buffer)
        return start
    }

    static func run(names: [String]) throws {
        var table = ConsoleTable("case", "grid", "target", "direct [s]", "applications", "residual", "t*", "exact march [s]",
                                 "dp54 [s] (window)", "dp54 to t* [s]", "vs exact march", "vs dp54")
        for c in cases where names.contains(c.name) || names == ["all"] {
            let sde = c.model.sde
            let grid = try StationarySolver.grid(for: sde, points: Array(repeating: c.points, count: sde.phaseDimension))
            let start = try offsetStart(sde, grid: grid)
            let solver = try StationarySolver(sde: sde, grid: grid, effort: .measure)
            _ = solver.residual(of: start)
            let direct = solver.solve(from: start, settings: StationarySolverSettings(residualTolerance: c.target, maxApplications: 2000))

            // Exact (or, for state-dependent noise, Strang) marching in intervals of one relaxation time.
            let dynamics = LinearDynamics(sde)
            let marchName = dynamics.hasConstantDiffusion ? "exact" : "exact-strang"
            let marcher = try TimeSteppers.make(marchName, dynamics: dynamics, grid: grid, effort: .measure)
            let state = marcher.representation.makeState()
            marcher.representation.load(start, into: state)
            let real = AlignedBuffer(count: grid.pointCount)
            let interval = solver.slowestRelaxationTime
            marcher.prepare(outputInterval: interval)
            var t = 0.0, marchTime = 0.0, residual = Double.infinity, best = Double.infinity, h = marcher.initialStep(for: state)
            let clock = ContinuousClock()
            while residual > c.target && t < 400 * interval {
                let target = t + interval
                let began = clock.now
                while t < target {
                    let step = marcher.control == .exact ? target - t : min(h, target - t)
                    let attempt = marcher.attempt(state, step: step, tolerance: 1e-10)
                    if attempt.accepted { t = step == target - t ? target : t + step }
                    if marcher.isAdaptive { h = attempt.suggestedStep }
                }
                marchTime += seconds(clock.now - began)
                marcher.representation.density(of: state, into: real)
                residual = solver.residual(of: real)
                if residual > 0.999 * best && residual > c.target { break }   // the scheme's own floor
                best = min(best, residual)
            }

            // lawson-dp54 over its window.
            let dp54 = try TimeSteppers.make("lawson-dp54", dynamics: dynamics, grid: grid, effort: .measure)
            let simulation = Simulation(stepper: dp54, initialDensity: start)
            let summary = try simulation.run(SimulationSettings(stopTime: c.window, outputEvery: c.window, tolerance: 1e-10,
                                                                boundaryTolerance: 1e-3)) { _ in }
            let dp54ToT = summary.solverTime / c.window * t
            let reached = residual <= c.target
            table.add(c.name, grid.shape.map(String.init).joined(separator: "×"), fmt(c.target, 2),
                      fmt(direct.wallTime, 3), "\(direct.applications)", fmt(direct.residual, 2),
                      reached ? fmt(t, 3) : "> \(fmt(t, 3)) (floor \(fmt(residual, 2)))", fmt(marchTime, 3),
                      "\(fmt(summary.solverTime, 3)) (\(fmt(c.window)))", fmt(dp54ToT, 3),
                      String(format: "%.1f×", marchTime / direct.wallTime), String(format: "%.0f×", dp54ToT / direct.wallTime))
            // Header once, then each row as it comes.
            let lines = table.render().split(separator: "\n")
            for line in lines[(table.rows.count == 1 ? 0 : lines.count - 1)...] { print(line) }
            fflush(nil)
        }
    }
}
