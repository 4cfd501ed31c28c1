import Foundation
import FokkerPlanck
import LangevinModel
import PhaseSpaceIO
import RunConfiguration
import Spectral

/// Figures of a finished solve, for the summary table.
public struct SolveReport: Sendable {
    public var simulation: SimulationSummary?
    public var frames: Int
    public var finalTime: Double
    /// Relative L¹ distance to the exact density: at the last frame and worst over frames.
    public var finalL1: Double?
    public var worstL1: Double?
    /// Worst relative error of mean and covariance against the exact moments, over frames.
    public var worstMeanError: Double?
    public var worstCovarianceError: Double?
    public var finalMoments: DensityMoments?
}

/// `sgdfp solve`: plans the transforms, evolves the density, writes every frame, and commits the file only
/// when the run succeeded.
public struct SolveStudy {
    /// The largest relative L¹ distance to the exact law a solve may reach and still be written: 1 % of the
    /// mass out of place is no longer a solution of this problem ([output] keep_inaccurate overrides it).
    public static let largestL1Error = 1e-2
    public let setup: RunSetup
    public let outputPath: String
    public let overwrite: Bool
    public let effort: PlanningEffort
    public let invocation: Invocation
    /// The partial file of a killed run of this output to continue (`--resume`), or nil for a new run.
    public let resuming: PartialRun?

    public init(setup: RunSetup, outputPath: String, overwrite: Bool, effort: PlanningEffort, invocation: Invocation = .current,
                resuming: PartialRun? = nil) {
        self.setup = setup
        self.outputPath = outputPath
        self.overwrite = overwrite
        self.effort = effort
        self.invocation = invocation
        self.resuming = resuming
    }

    public func run(progress: ProgressHandler? = nil) throws -> SolveReport {
        if let resuming {
            return try OutputFile.resume(resuming.path, into: outputPath, overwrite: overwrite) { file in
                let line = OutputProvenance.historyLine(commandLine: invocation.commandLine)
                let resumed = String(format: "%@ (resumed after the frame at t = %.6g)", line, resuming.times.last!)
                try file.setAttribute("history", .text([resuming.history, resumed].compactMap { $0 }.joined(separator: "\n")))
                return try write(to: file, progress: progress)
            }
        }
        let provenance = OutputProvenance.of("Phase-space density of SGD with momentum (Fokker-Planck, \(setup.sde.noise.name) noise)",
                                             configuration: setup.configuration, sde: setup.sde, invocation: invocation)
        return try OutputFile.write(to: outputPath, overwrite: overwrite, kind: .solve, provenance: provenance) { file in
            try write(to: file, progress: progress)
        }
    }

    /// The partial file a killed run of this configuration left at `outputPath`, the one with most frames;
    /// throws when there is none, or none of this configuration.
    public static func partialToResume(of outputPath: String, configuration: RunConfiguration) throws -> PartialRun {
        let found = try OutputFile.leftovers(of: outputPath)
        guard !found.isEmpty else {
            throw StudyError("--resume found no partial file of \(outputPath) (a killed run leaves .\(URL(fileURLWithPath: outputPath).lastPathComponent).partial-<pid> beside it); run without --resume.")
        }
        let text = configuration.renderTOML()
        let runs = found.compactMap { try? PartialRun(path: $0) }
        guard let best = runs.filter({ $0.configuration == text }).max(by: { $0.times.count < $1.times.count }) else {
            throw StudyError("No partial file of \(outputPath) was written with this run file and these flags (\(found.map { URL(fileURLWithPath: $0).lastPathComponent }.joined(separator: ", ")) \(runs.isEmpty ? "cannot be read" : "solved another configuration")); resume with the command line of the killed run, or delete the partial files.")
        }
        return best
    }

    private func write(to file: NetCDFFile, progress: ProgressHandler?) throws -> SolveReport {
        let grid = setup.grid
        let simulation = try setup.makeSimulation(effort: effort, resuming: resuming)
        let comparison = setup.exact.map { ExactComparison($0, grid: grid, origin: setup.dynamics.stationaryPoint, drawsDensity: setup.drawsDensity) }
        let layout = SolveProduct.layout(setup)
        let writer = try resuming.map { try RunOutputWriter(resuming: file, layout: layout, records: $0.times.count) }
            ?? RunOutputWriter(file: file, layout: layout)
        var settings = setup.simulationSettings
        if let resuming {
            comparison?.include(earlier: resuming.comparisonRecords)
            settings.scheduleOrigin = resuming.times.first
            settings.initialStep = resuming.nextStep.flatMap { $0.isFinite && $0 > 0 ? $0 : nil }
            settings.emitsStartFrame = false
        }
        let frames = SolveFrameWriter(writer, grid: grid, origin: setup.dynamics.stationaryPoint, comparison: comparison,
                                      keepInaccurate: setup.configuration.output.keepInaccurate, earlierFrames: resuming?.times.count ?? 0)
        // The comparison first, so that the writer finds the exact solution of the same frame.
        let observers: [any FrameObserver] = (comparison.map { [$0] } ?? []) + [frames]
        var summary: SimulationSummary?
        do {
            // A run killed after its last frame but before its file was complete has nothing left to solve.
            if simulation.time < settings.stopTime * (1 - 1e-12) - 1e-300 {
                summary = try simulation.run(settings, progress: progress.marching, observers: observers)
            }
        } catch {
            // A continued run keeps the file's grid: its box is not this run file's to enlarge.
            guard case let .file(path, _) = setup.start, case let SimulationError.densityAtBoundary(t, axis, fraction) = error else { throw error }
            throw StudyError(String(format: "At t = %.6g the density reaches the box edge along %@ (%.2g of its peak); a continued run keeps the grid of %@, so solve the start again with a wider [grid] box along %@ and continue from that file.", t, axis, fraction, path, axis))
        }
        progress.finish()
        var report = SolveReport(simulation: summary, frames: frames.frames, finalTime: frames.finalTime ?? resuming?.times.last ?? setup.startTime,
                                 finalL1: comparison?.finalL1Error, worstL1: comparison?.worstL1Error,
                                 worstMeanError: comparison?.worstMeanError, worstCovarianceError: comparison?.worstCovarianceError)
        report.finalMoments = frames.finalMoments
        try frames.writer.setSummary(SolveProduct.summaryAttributes(report))
        return report
    }
}

/// Writes each frame of a solve, with the exact solution of the same frame beside it.
final class SolveFrameWriter: FrameObserver {
    let writer: RunOutputWriter
    let grid: PhaseSpaceGrid
    let comparison: ExactComparison?
    /// The uncentred point of the grid's centre (x*).
    let origin: [Double]
    let keepInaccurate: Bool
    private(set) var frames: Int
    private(set) var finalTime: Double?
    private(set) var finalMoments: DensityMoments?

    init(_ writer: RunOutputWriter, grid: PhaseSpaceGrid, origin: [Double], comparison: ExactComparison?, keepInaccurate: Bool, earlierFrames: Int = 0) {
        self.writer = writer
        frames = earlierFrames
        self.origin = origin
        self.keepInaccurate = keepInaccurate
        self.grid = grid
        self.comparison = comparison
    }

    func observe(_ frame: SimulationFrame) throws {
        // A solve whose density strays from the exact law stops here, before the file is committed.
        if !keepInaccurate { try Self.checkAccuracy(time: frame.time, l1: comparison?.records.last?.l1Error, negativeMass: frame.moments.negativeMass,
                                                    covariance: frame.moments.covariance, axes: grid.axes.map(\.name)) }
        let layout = writer.layout
        let marginals = grid.parameterDimension > 1
        var out = RunFrame(time: frame.time, mass: frame.moments.mass, minDensity: frame.moments.minimum,
                           negativeMass: frame.moments.negativeMass, stepSize: frame.stepSize,
                           mean: frame.moments.mean, covariance: frame.moments.covariance,
                           density: layout.writeFullDensity ? frame.density : nil)
        // In an adapted frame the marginals come straight from the frame (Fourier slice): exact even where the
        // output grid is too coarse to hold the whole density.
        if marginals { out.marginals = frame.frameView?.pairMarginals(on: grid) ?? Quadrature.pairMarginals(of: frame.density, on: grid) }
        if let view = frame.frameView {
            out.frameMean = zip(view.frame.mean, origin).map(+)
            out.frameFactor = view.frame.factor
        }
        out.nextStep = frame.nextStep
        if let record = comparison?.records.last {
            out.l1Error = record.l1Error
            out.exactMean = record.exactMean
            out.exactCovariance = record.exactCovariance
            if record.l1Error != nil {
                let field = comparison?.exactField.map { UnsafeBufferPointer($0.buffer) }
                if layout.writesExactFullDensity { out.exactDensity = field }
                if marginals {
                    if frame.frameView != nil {
                        out.exactMarginals = try comparison?.exact.density(at: frame.time)?.pairMarginals(on: grid, origin: origin) ?? [:]
                    } else if let field {
                        out.exactMarginals = Quadrature.pairMarginals(of: field, on: grid)
                    }
                }
            }
        }
        try writer.append(out)
        // The state to continue from, after the record it belongs to: a killed run resumes from both.
        if let view = frame.frameView {
            try writer.writeFrameState(coordinates: view.grid.axes.map(\.coordinates), values: UnsafeBufferPointer(view.density.buffer), time: frame.time)
        }
        frames += 1
        finalTime = frame.time
        finalMoments = frame.moments
    }
}

extension SolveFrameWriter {
    /// A field whose own checks fail is no solution, exact law or not: L¹ from the exact law beyond 1 %, more
    /// negative mass than that (which bounds the L¹ distance to every true density from below), or a variance ≤ 0.
    static func checkAccuracy(time: Double, l1: Double?, negativeMass: Double, covariance: [Double], axes: [String]) throws {
        let limit = SolveStudy.largestL1Error, n = axes.count
        let advice = "the grid does not resolve this run. Use [grid] frame = \"adapted\" or more [grid] points, or set [output] keep_inaccurate = true to keep the file."
        if let l1, l1 > limit {
            throw StudyError(String(format: "At t = %.6g the density is %.3g away from the exact law in relative L¹ (more than %.0e): %@", time, l1, limit, advice))
        }
        if negativeMass > limit {
            throw StudyError(String(format: "At t = %.6g the density has a negative part of mass %.3g (more than %.0e): %@", time, negativeMass, limit, advice))
        }
        if let axis = (0..<n).first(where: { !(covariance[$0 * n + $0] > 0) }) {
            throw StudyError(String(format: "At t = %.6g the variance of the density along %@ is %.3g, not positive: %@", time, axes[axis], covariance[axis * n + axis], advice))
        }
    }
}

/// How a solve output is laid out beyond the common root attributes.
enum SolveProduct {
    static func layout(_ setup: RunSetup) -> RunOutputLayout {
        RunOutputLayout(axes: AxisNaming.axes(setup.grid, origin: setup.dynamics.stationaryPoint), writeFullDensity: setup.writeFullDensity,
                        writeMarginals: setup.grid.parameterDimension > 1, hasExactSolution: setup.exact?.hasDensity ?? false,
                        writeExactDensity: setup.writeExactDensity,
                        hasExactMoments: setup.exact != nil, writesFrame: setup.adaptedFrame != nil,
                        writesNextStep: (try? TimeSteppers.entry(setup.scheme))?.isAdaptive ?? false,
                        rootAttributes: ["time_scheme": .text(setup.scheme), "frame": .text(setup.adaptedFrame == nil ? "fixed" : "adapted"),
                                         "boundary_tolerance": .double(setup.boundaryTolerance), "substep_norm": .double(setup.substepNorm)]
                            .merging(setup.discretisationFloor.map { ["discretisation_floor": .double($0)] } ?? [:]) { $1 })
    }

    static func summaryAttributes(_ report: SolveReport) -> [String: AttributeValue] {
        guard let summary = report.simulation else { return [:] }
        var attributes: [String: AttributeValue] = [
            "steps": .int(summary.steps),
            "rejected_steps": .int(summary.rejectedSteps),
            "wall_time_seconds": .double(summary.wallTime),
            "solver_time_seconds": .double(summary.solverTime),
            "final_mass_error": .double(summary.finalMassError),
            "minimum_density": .double(summary.minimumDensity),
            "largest_negative_mass": .double(summary.largestNegativeMass),
        ]
        if let l1 = report.finalL1 { attributes["final_relative_l1_error"] = .double(l1) }
        if let l1 = report.worstL1 { attributes["max_relative_l1_error"] = .double(l1) }
        if let e = report.worstMeanError { attributes["max_mean_error"] = .double(e) }
        if let e = report.worstCovarianceError { attributes["max_covariance_error"] = .double(e) }
        return attributes
    }
}

extension PartialRun {
    /// The killed run's frames as the exact comparison counts them.
    var comparisonRecords: [ExactComparison.Record] {
        guard let exactMeans, let exactCovariances else { return [] }
        return times.indices.map { i in
            ExactComparison.Record(time: times[i], mean: means[i], covariance: covariances[i], exactMean: exactMeans[i],
                                   exactCovariance: exactCovariances[i], l1Error: l1Errors.map { $0[i] }.flatMap { $0.isNaN ? nil : $0 })
        }
    }
}
