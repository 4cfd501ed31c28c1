import Foundation
import FokkerPlanck
import LangevinModel
import PhaseSpaceIO
import RunConfiguration
import Spectral

/// Figures of a finished run, for the summary table.
struct SolveReport {
    var simulation: SimulationSummary?
    var frames: Int
    var finalTime: Double
    /// Relative L¹ distance to the exact density: at the last frame and worst over frames.
    var finalL1: Double?
    var worstL1: Double?
    /// Worst relative error of mean and covariance against the exact moments, over frames.
    var worstMeanError: Double?
    var worstCovarianceError: Double?
    var finalMoments: DensityMoments?
    var fftPairSeconds: Double?
}

/// Runs a set-up model: plans the transforms, evolves the density, writes every frame, and commits the
/// file only when the run succeeded.
struct SolveRunner {
    let setup: RunSetup
    let outputPath: String
    let overwrite: Bool
    let commandLine: String
    let effort: PlanningEffort
    let progress: TerminalProgress?

    func run() throws -> SolveReport {
        let output = try AtomicOutput(destination: outputPath, overwrite: overwrite)
        Interruption.protect(output.temporaryPath)
        defer { Interruption.release() }
        do {
            let report = try write(to: output.temporaryPath)
            try output.commit()
            return report
        } catch {
            output.abandon()
            throw error
        }
    }

    private func write(to path: String) throws -> SolveReport {
        let config = setup.configuration
        let grid = setup.grid
        let d = grid.parameterDimension
        FFTWRuntime.setThreads(config.grid.threads)
        let wisdomPath: String? = {
            switch config.grid.wisdom {
            case .defaultLocation: return FFTWRuntime.defaultWisdomPath
            case .disabled: return nil
            case let .file(p): return p
            }
        }()
        if let wisdomPath { FFTWRuntime.importWisdom(from: wisdomPath) }
        let stepper = try TimeSteppers.make(setup.scheme, dynamics: setup.dynamics, grid: grid, effort: effort,
                                            substepNorm: setup.substepNorm)
        if let wisdomPath { FFTWRuntime.exportWisdom(to: wisdomPath) }
        let x0 = setup.dynamics.stationaryPoint

        let initial = AlignedBuffer(count: grid.pointCount)
        switch setup.start {
        case let .mixture(mixture):
            try mixture.sample(on: grid, origin: x0, into: initial.buffer)
        case let .file(_, density):
            precondition(density.count == grid.pointCount)
            for i in 0..<density.count { initial[i] = density[i] }
        }
        let simulation = Simulation(stepper: stepper, initialDensity: initial, startTime: setup.startTime)

        let axes = grid.axes.enumerated().map { i, axis in
            PhaseSpaceAxis(name: axis.name, longName: Self.longName(axis.name, d: d), units: "1",
                           values: axis.coordinates.map { $0 + x0[i] })
        }
        let layout = RunOutputLayout(
            axes: axes, writeFullDensity: setup.writeFullDensity, writeMarginals: d > 1,
            hasExactSolution: setup.exact?.hasDensity ?? false, hasExactMoments: setup.exact != nil,
            rootAttributes: rootAttributes())
        let writer = try RunOutputWriter(path: path, layout: layout)
        var writerOpen = true
        defer { if writerOpen { try? writer.close() } }

        let exactField = setup.exact?.hasDensity == true ? AlignedBuffer(count: grid.pointCount) : nil
        var report = SolveReport(simulation: nil, frames: 0, finalTime: setup.startTime)
        let settings = SimulationSettings(
            stopTime: config.time.stop, outputEvery: config.time.outputEvery, tolerance: config.time.tolerance,
            fixedStep: config.time.step, boundaryTolerance: setup.boundaryTolerance)
        let summary = try simulation.run(settings, progress: progress.map { p in { p.report($0) } }) { frame in
            var out = RunFrame(
                time: frame.time, mass: frame.moments.mass, minDensity: frame.moments.minimum,
                negativeMass: frame.moments.negativeMass, stepSize: frame.stepSize,
                mean: frame.moments.mean, covariance: frame.moments.covariance,
                density: setup.writeFullDensity ? frame.density : nil)
            if d > 1 { out.marginals = Quadrature.pairMarginals(of: frame.density, on: grid) }
            if let exact = setup.exact {
                let m = exact.moments(at: frame.time)
                out.exactMean = m.mean
                out.exactCovariance = m.covariance
                let scaleM = max(m.covariance.map(abs).max() ?? 1, 1e-300).squareRoot()
                let meanErr = zip(frame.moments.mean, m.mean).map { abs($0 - $1) }.max()! / scaleM
                let covScale = m.covariance.map(abs).max() ?? 1
                let covErr = zip(frame.moments.covariance, m.covariance).map { abs($0 - $1) }.max()! / covScale
                report.worstMeanError = max(report.worstMeanError ?? 0, meanErr)
                report.worstCovarianceError = max(report.worstCovarianceError ?? 0, covErr)
                if let exactField, let mixture = exact.density(at: frame.time) {
                    try mixture.sample(on: grid, origin: x0, into: exactField.buffer)
                    let exactBuffer = UnsafeBufferPointer(exactField.buffer)
                    let l1 = Quadrature.l1Distance(frame.density, exactBuffer, on: grid)
                    report.finalL1 = l1
                    report.worstL1 = max(report.worstL1 ?? 0, l1)
                    if setup.writeFullDensity { out.exactDensity = exactBuffer }
                    if d > 1 { out.exactMarginals = Quadrature.pairMarginals(of: exactBuffer, on: grid) }
                }
            }
            try writer.append(out)
            report.frames += 1
            report.finalMoments = frame.moments
            report.finalTime = frame.time
        }
        progress?.finish()
        report.simulation = summary
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
        try writer.setSummary(attributes)
        writerOpen = false
        try writer.close()
        return report
    }

    static func longName(_ axis: String, d: Int) -> String {
        let index = axis.drop { !$0.isNumber }
        let sub = index.isEmpty ? "" : "_\(index)"
        return axis.hasPrefix("theta")
            ? "parameter theta\(sub)"
            : "velocity v\(sub) = d theta\(sub)/dt (minus the PyTorch momentum buffer)"
    }

    private func rootAttributes() -> [String: AttributeValue] {
        let iso = ISO8601DateFormatter().string(from: Date())
        let sde = setup.sde
        return [
            "Conventions": .text("CF-1.10"),
            "title": .text("Phase-space density of SGD with momentum (Fokker-Planck, \(sde.noise.name) noise)"),
            "source": .text("sgdfp \(SGDFP.version)"),
            "history": .text("\(iso) \(commandLine)"),
            "configuration": .text(setup.configuration.renderTOML()),
            "fftw_version": .text(FFTWRuntime.version),
            "time_scheme": .text(setup.scheme),
            "stationary_point": .doubles(setup.dynamics.stationaryPoint),
            "time_convention": .text("continuous time t = learning_rate * step; velocity v = -momentum_buffer"),
            "parameter_dimension": .int(sde.parameterDimension),
        ]
    }
}
