import Foundation
import FokkerPlanck
import LangevinModel
import RunConfiguration
import Spectral

/// 4-D runs from far, narrow starts (P3 and P4 from x₀ = (2, 1, 0, 0) with covariance 0.05²I, physics.md
/// §9.6) with the exact propagator in the adapted frame and in the fixed axis-aligned frame, to t = 10 and
/// to t = 40: points, solver time, peak memory and the worst relative L¹ error against the exact law. The fixed
/// frame is run on grids that fit (its box sized for the whole run, as `box = "auto"` does) with the start
/// under-resolved, and the points it would need to resolve the start are reported beside it.
public struct FrameBenchmark {
    public struct Row: Sendable {
        public var caseName: String
        public var frame: String
        public var grid: String
        public var stop: Double
        public var frames: Int
        public var solverSeconds: Double
        public var error: Double
        public var peakBytes: Double?
        /// For the fixed frame: points per axis that the start needs (2.16 spacings per conditional deviation).
        public var neededPoints: Int?
    }

    /// The end times, each a run of its own (the fixed frame's box is sized for it).
    public var stops = [10.0, 40.0]
    /// Points per axis of the fixed-frame grids tried.
    public var fixedPoints = [32, 48]
    public var framePoints = 32

    public init() {}

    static let cases: [(name: String, runFile: String)] = [("p3-far", RunFiles.p3), ("p4-far", RunFiles.p4)]

    public func run(onRow: (Row) -> Void) throws {
        MemoryUsage.returnLargeBlocksToTheSystem()
        for (name, text) in Self.cases {
            for stop in stops { try run(name, text, stop: stop, onRow: onRow) }
        }
    }

    private func run(_ name: String, _ text: String, stop: Double, onRow: (Row) -> Void) throws {
        let sde = try RunSetup.model(try RunConfiguration.parse(toml: text, source: name).validated())
        let start = GaussianMixture(mean: [2, 1, 0, 0], covariance: Frame.identity(4).covariance.map { 0.0025 * $0 })
        let exact = ExactSolution(sde: sde, initial: start)
        let x0 = sde.stationaryPoint
        let samples = (0...400).map { stop * Double($0) / 400 }
        let widths = GridPlanner().automaticHalfWidths(exact.envelopes(times: samples), stationaryPoint: x0)
        let settings = SimulationSettings(stopTime: stop, outputEvery: 0.5, boundaryTolerance: 1)
        // The adapted frame, with a small output grid: its solver time does not include the output.
        do {
            let output = try PhaseSpaceGrid(points: [8, 8, 8, 8], halfWidths: widths)
            let (frameGrid, frame, _, _) = try AdaptedFrameGrid.make(initial: start, origin: x0, parameterDimension: 2, halfWidth: 7.5,
                                                                  requested: framePoints)
            MemoryUsage.resetPeak()
            let baseline = MemoryUsage.resident()?.current
            let stepper = try AdaptedExactPropagator(dynamics: LinearDynamics(sde), grid: output, frameGrid: frameGrid,
                                                     mean: frame.mean, covariance: frame.covariance)
            let state = stepper.makeState()
            try stepper.load(start, origin: x0, into: state)
            let comparison = ExactComparison(exact, grid: output, origin: x0)
            let summary = try Simulation(stepper: stepper, initialState: state).run(settings, observers: [comparison])
            onRow(Row(caseName: name, frame: "adapted", grid: Self.label(frameGrid), stop: stop, frames: comparison.records.count - 1,
                      solverSeconds: summary.solverTime, error: comparison.worstL1Error ?? .nan,
                      peakBytes: MemoryUsage.resident().flatMap { r in baseline.map { r.peak - $0 } }, neededPoints: nil))
        }
        for points in fixedPoints {
            let grid = try PhaseSpaceGrid(points: Array(repeating: points, count: 4), halfWidths: widths)
            let needed = GridPlanner().resolution(exact.envelopes(times: [0]), grid: grid).map { r in
                Int((Double(points) * GridPlanner().pointsPerConditionalDeviation / r.ratio).rounded(.up))
            }.max()
            MemoryUsage.resetPeak()
            let baseline = MemoryUsage.resident()?.current
            let stepper = try TimeSteppers.make("exact", dynamics: LinearDynamics(sde), grid: grid)
            let initial = grid.makeField()
            try start.sample(on: grid, origin: x0, into: initial.buffer)
            let comparison = ExactComparison(exact, grid: grid, origin: x0)
            let summary = try Simulation(stepper: stepper, initialDensity: initial).run(settings, observers: [comparison])
            onRow(Row(caseName: name, frame: "fixed", grid: Self.label(grid), stop: stop, frames: comparison.records.count - 1,
                      solverSeconds: summary.solverTime, error: comparison.worstL1Error ?? .nan,
                      peakBytes: MemoryUsage.resident().flatMap { r in baseline.map { r.peak - $0 } }, neededPoints: needed))
        }
    }

    static func label(_ grid: PhaseSpaceGrid) -> String { grid.shape.map(String.init).joined(separator: "×") }
}
