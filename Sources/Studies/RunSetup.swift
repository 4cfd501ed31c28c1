import Foundation
import FokkerPlanck
import LangevinModel
import PhaseSpaceIO
import RunConfiguration
import Spectral

/// Everything a run needs, built and checked from a validated configuration before any large allocation:
/// the place that turns a `RunConfiguration` into model, grid and scheme.
public struct RunSetup: Sendable {
    public enum Start: Sendable {
        case mixture(GaussianMixture)
        /// A density read from an earlier output (uncentred axes already matched to the grid).
        case file(path: String, density: [Double])
    }

    public let configuration: RunConfiguration
    /// The time scheme, with "auto" resolved.
    public let scheme: String
    public let sde: LangevinSDE
    public let dynamics: LinearDynamics
    public let start: Start
    public let startTime: Double
    public let exact: ExactSolution?
    /// The axis-aligned grid of the output (and of the density itself in the fixed frame).
    public let grid: PhaseSpaceGrid
    /// The adapted frame's grid and initial frame, with why it is sized as it is and, for a continued run,
    /// the state it continues from (nil: the fixed frame).
    public let adaptedFrame: (grid: PhaseSpaceGrid, frame: Frame, reason: String, state: [Double]?)?
    public let writeFullDensity: Bool
    /// Whether frames carry the full exact density beside it (`[output] exact_density`).
    public let writeExactDensity: Bool
    /// Whether the density is drawn on the axis-aligned grid each frame: always in the fixed frame, and in
    /// an adapted one only when the full field is written (moments, errors and marginals come from the frame).
    public var drawsDensity: Bool { adaptedFrame == nil || writeFullDensity }
    public let warnings: [String]
    /// Largest density tolerated on the box edge, relative to the peak. Heavy tails (state-dependent
    /// noise) sit higher; an under-resolved grid rings at the 1e-4 level everywhere, and then only
    /// gross spreading is worth stopping for.
    public let boundaryTolerance: Double
    /// Sub-step bound of the exact transport, from the grid's resolution of the exact law.
    public let substepNorm: Double
    /// The spatial error the grid leaves the run's laws at worst (`GridPlanner.spectralFloor`): on the fixed
    /// frame from the planner's resolution of the exact laws, in the adapted one from the narrowest initial
    /// component in the frame (a continued run's frame grid for N(0, I)); nil for a file continued on the
    /// fixed frame, whose laws are not known.
    public let discretisationFloor: Double?

    /// Laws whose tails decay like powers (state-dependent noise) need a wider box than 7σ.
    public static func planner(for sde: LangevinSDE) -> GridPlanner {
        var p = GridPlanner()
        if sde.noise.isStateDependent { p.sigmas = 14 }
        return p
    }

    public static func build(_ config: RunConfiguration) throws -> RunSetup {
        let sde = try model(config)
        let dynamics = LinearDynamics(sde)
        let scheme = try TimeSteppers.entry(TimeSteppers.resolve(config.time.scheme, for: dynamics))
        if let reason = scheme.unavailability(for: dynamics) { throw SimulationError.schemeNotApplicable(scheme: scheme.name, reason: reason) }
        let d = sde.parameterDimension, n = 2 * d
        let names = PhaseSpaceGrid.axisNames(parameterDimension: d)
        let planner = planner(for: sde)
        var warnings = config.notices
        var boundaryTolerance = sde.noise.isStateDependent ? 1e-6 : 1e-7
        var substepNorm = LinearTransport.defaultSubstepNorm
        // The adapted frame where the run can use it: the exact propagator, from a law or from a file solved in a frame.
        let adapts: Bool
        switch config.grid.frame {
        case .fixed: adapts = false
        case .adapted: adapts = true
        case .auto: adapts = scheme.name == "exact" && (config.initial.kind != .file || RunOutputReader.hasFrameState(path: config.initial.file ?? ""))
        }

        var start: Start
        var continued: (grid: PhaseSpaceGrid, frame: Frame, state: [Double])?
        var startTime = 0.0
        var exact: ExactSolution?
        var grid: PhaseSpaceGrid
        var floor: Double?
        switch config.initial.kind {
        case .file:
            let path = config.initial.file ?? ""
            let frame = try RunOutputReader.lastFrame(path: path)
            guard frame.axes.count == n else {
                throw StudyError("The file \(path) holds a \(frame.axes.count)-dimensional density but the model has \(n) phase-space axes; continue it with the same [loss] hessian.")
            }
            grid = try FileGrid.grid(of: frame.axes, path: path, centre: dynamics.stationaryPoint).grid
            guard frame.density.count == grid.pointCount, frame.density.allSatisfy(\.isFinite) else {
                throw StudyError("The last frame of \(path) holds NaN or infinite values (or not one value per grid point), so no run can continue from it; continue from a file whose run succeeded.")
            }
            if config.grid.box != .auto || config.grid.points != nil {
                warnings.append("[grid] points and box are ignored when continuing from a file: the file's grid is used.")
            }
            start = .file(path: path, density: frame.density)
            startTime = frame.time
            if let changed = try Self.changedModelSections(file: path, config: config), !changed.isEmpty {
                guard config.initial.allowModelChange else {
                    throw StudyError("The file \(path) was solved with other \(changed.joined(separator: ", ")) values than this run file's; continue it with the same values, or set [initial] model_change = true to evolve it under this run file's model.")
                }
                warnings.append("The file \(path) was solved with other \(changed.joined(separator: ", ")) values than this run file's; the continued run evolves its last frame under this run file's model.")
            }
            // The run that wrote the file accepted its edge up to its own tolerance, and cut its transport into
            // sub-steps by its own bound; its continuation does the same, and so lands where that run would.
            let written = try Self.numericalSettings(of: path)
            boundaryTolerance = max(boundaryTolerance, written.boundaryTolerance ?? 0)
            substepNorm = written.substepNorm ?? substepNorm
            if adapts {
                guard let state = try RunOutputReader.frameState(path: path) else {
                    throw StudyError("The file \(path) was not solved in an adapted frame, so it holds no frame state to continue from; continue it with [grid] frame = \"fixed\".")
                }
                continued = (try FileGrid.frameGrid(coordinates: state.coordinates),
                             try Frame(mean: zip(state.mean, dynamics.stationaryPoint).map(-), factor: state.factor), state.density)
            }
            guard config.time.stop > startTime else {
                throw StudyError(String(format: "[time] stop (%.6g) must be later than the last frame of %@ (t = %.6g); [time] stop is the absolute end time.", config.time.stop, path, startTime))
            }
        case .gaussian, .mixture:
            let mixture = GaussianMixture(components: config.initial.components.map {
                GaussianMixture.Component(weight: $0.weight, mean: $0.mean, covariance: $0.covariance.flatMap { $0 })
            })
            for (i, c) in mixture.components.enumerated() where GaussianMixture.cholesky(c.covariance, n) == nil {
                throw InitialDensityError.notPositiveDefinite(component: i)
            }
            let solution = ExactSolution(sde: sde, initial: mixture)
            let samples = Int(min(2000, max(200, config.time.stop / 0.01)))
            let times = (0...samples).map { config.time.stop * Double($0) / Double(samples) }
            let envelopes = solution.envelopes(times: times)
            let points = config.grid.points(axes: n)
            switch config.grid.box {
            case .auto:
                grid = try PhaseSpaceGrid(points: points, halfWidths: planner.automaticHalfWidths(envelopes, stationaryPoint: dynamics.stationaryPoint))
            case let .halfWidths(w):
                try planner.checkBox(w, names: names, envelopes: envelopes, stationaryPoint: dynamics.stationaryPoint)
                grid = try PhaseSpaceGrid(points: points, halfWidths: w)
            }
            if adapts && config.grid.points == nil {
                grid = try Self.drawingGrid(grid, envelopes: envelopes, planner: planner, pairsOnly: config.output.fullDensity != .on && d > 1)
            }
            let resolution = planner.resolution(envelopes, grid: grid)
            if !adapts, let worst = resolution.map(\.ratio).min() {
                floor = GridPlanner.spectralFloor(deviationsPerSpacing: worst, boxDeviations: planner.sigmas)
            }
            if !adapts {
                try planner.checkInitialResolution(solution.envelopes(times: [0]), grid: grid)
                substepNorm = LinearTransport.substepNorm(forResolution: resolution.map(\.ratio).min() ?? .infinity)
                for r in resolution where r.ratio < planner.pointsPerConditionalDeviation {
                    boundaryTolerance = 1e-3
                    warnings.append(String(format: "At t = %.3g the density is narrower than the grid resolves along %@ (%.2g spacings per conditional standard deviation); expect spectral ringing, or use more [grid] points.", r.time, r.axis, r.ratio))
                }
            } else if let r = Self.drawnResolution(envelopes, grid: grid, planner: planner, pairsOnly: !Self.writesFullDensity(config.output.fullDensity, grid: grid))
                        .min(by: { $0.ratio < $1.ratio }), r.ratio < planner.pointsPerConditionalDeviation {
                // The solution lives in the frame; the output grid only draws it.
                warnings.append(String(format: "At t = %.3g the output grid draws the density with %.2g spacings per conditional standard deviation along %@: the written field is its band-limited picture (moments and errors come from the frame); use more [grid] points for a sharper one.", r.time, r.ratio, r.axis))
            }
            start = .mixture(mixture)
            exact = solution
        }
        var adapted: (grid: PhaseSpaceGrid, frame: Frame, reason: String, state: [Double]?)?
        if adapts {
            if case .strang = scheme.kind {
                throw StudyError("The adapted frame runs the exact propagator and the Lawson schemes, not \"\(scheme.name)\"; set [time] scheme = \"exact\" (constant noise) or a Lawson scheme, or [grid] frame = \"fixed\".")
            }
            if let continued {
                adapted = (continued.grid, continued.frame, "continued on the frame grid of the file (\(continued.grid.axes[0].points) points per frame axis)", continued.state)
                let axis = continued.grid.axes[0]
                floor = GridPlanner.spectralFloor(deviationsPerSpacing: 1 / axis.spacing, boxDeviations: axis.halfWidth)
            } else if case let .mixture(mixture) = start {
                let made = try AdaptedFrameGrid.make(initial: mixture, origin: dynamics.stationaryPoint, parameterDimension: d,
                                                     halfWidth: config.grid.frameBox, requested: config.grid.framePoints)
                let drawing = config.grid.points == nil
                    ? String(format: "; the output's points per axis draw the narrowest law of the run with %.3g spacings per deviation (%ld to %ld)",
                             planner.pointsPerConditionalDeviation, GridSection.defaultPoints, Self.largestDrawingPoints) : ""
                adapted = (made.grid, made.frame, made.reason + drawing, nil)
                floor = made.floor
            }
        }
        let full = Self.writesFullDensity(config.output.fullDensity, grid: grid)
        // Working set of the chosen scheme, the driver, and the initial and exact density fields; in an adapted
        // frame the output grid is held only when the full field is written.
        if let adapted {
            let drawn = full ? Double(grid.pointCount) * 8 * 3 : 0
            let fields = Double(adapted.grid.pointCount) * 8 * 2 + drawn
            // The output grid's share first, so that a refusal names the setting that makes the difference.
            let output = drawn + (full ? AffineSpectralMap.memoryEstimate(source: adapted.grid.axes, target: grid.axes) : 0)
            try grid.checkMemory(bytes: output)
            try adapted.grid.checkMemory(bytes: try TimeSteppers.memoryEstimateInFrame(scheme.name, dynamics: dynamics, grid: grid, frameGrid: adapted.grid,
                                                                                 drawsDensity: full) + fields,
                                         setting: "[grid] frame_points")
        } else {
            try grid.checkMemory(bytes: scheme.memoryEstimate(grid: grid, dynamics: dynamics))
        }
        if d == 1 && config.output.fullDensity == .off {
            warnings.append("[output] full_density = false is ignored for one parameter: the 2-D density is the output.")
        }
        // Work known now, before any plan: the frames and, for the exact propagator, its sub-steps.
        let t = config.time
        let exactSubsteps = adapted == nil && scheme.name == "exact"
            ? ExactPropagator.substeps(dynamics: dynamics, grid: grid, interval: min(t.outputEvery, t.stop - startTime), maxSubstepNorm: substepNorm) : nil
        var planned = SimulationSettings(stopTime: t.stop, outputEvery: t.outputEvery)
        planned.maxWork = t.maxWork
        try planned.checkWork(from: startTime, substepsPerFrame: exactSubsteps, points: adapted?.grid.pointCount ?? grid.pointCount,
                              drawnPoints: adapted != nil && full ? grid.pointCount : 0)
        // The file's size before compression, against the room left for it (a full disk ends the run late).
        let frames = ((config.time.stop - startTime) / config.time.outputEvery).rounded(.up) + 1
        let fields = (full ? Double(grid.pointCount) : 0) + (d > 1 ? 6 * Double(grid.axes[0].points * grid.axes[0].points) : 0)
        let exactFull = full && exact?.hasDensity == true && Self.writesExactDensity(config.output.exactDensity, parameterDimension: d)
        if config.output.exactDensity == .on && !exactFull {
            warnings.append("[output] exact_density = true writes nothing here: it needs the full density ([output] full_density) and an exact density (constant noise).")
        }
        let exactFields = (exactFull ? Double(grid.pointCount) : 0) + (exact?.hasDensity == true && d > 1 ? 6 * Double(grid.axes[0].points * grid.axes[0].points) : 0)
        let bytes = frames * 8 * (fields + exactFields)
        if let free = OutputPaths.freeBytes(for: config.output.path), bytes > free {
            warnings.append(String(format: "The output may need up to %.3g GB before compression, and %.3g GB are free where it is written; free space, write fewer frames (a larger [time] output_every) or set [output] full_density = false.", bytes / 1e9, free / 1e9))
        }
        return RunSetup(configuration: config, scheme: scheme.name, sde: sde, dynamics: dynamics, start: start, startTime: startTime,
                        exact: exact, grid: grid, adaptedFrame: adapted, writeFullDensity: full, writeExactDensity: exactFull, warnings: warnings,
                        boundaryTolerance: boundaryTolerance, substepNorm: substepNorm, discretisationFloor: floor)
    }

    /// Whether frames carry the full density on `grid`: always for one parameter, by size (up to 64⁴) for `auto`.
    static func writesFullDensity(_ setting: Toggle, grid: PhaseSpaceGrid) -> Bool {
        switch setting {
        case .on: true
        case .off: grid.parameterDimension == 1
        case .auto: grid.parameterDimension == 1 || grid.pointCount <= 64 * 64 * 64 * 64
        }
    }

    /// Whether frames carry the full exact density beside the full density: for one parameter by default.
    static func writesExactDensity(_ setting: Toggle, parameterDimension d: Int) -> Bool {
        switch setting {
        case .on: true
        case .off: false
        case .auto: d == 1
        }
    }

    /// Most points per axis the adapted frame's default output grid takes to draw a narrow law: beyond it the
    /// written picture is band-limited (the solution itself is not; it lives in the frame).
    static let largestDrawingPoints = 1024

    /// How finely `grid` draws each envelope, per axis, as conditional deviation over spacing at the worst
    /// time. The deviation is conditional on the other axes of what is drawn: the whole phase space, or with
    /// `pairsOnly` (4-D runs that write only 2-D marginals) the other axis of each pair.
    static func drawnResolution(_ envelopes: [GridPlanner.Envelope], grid: PhaseSpaceGrid, planner: GridPlanner,
                                pairsOnly: Bool) -> [(axis: String, ratio: Double, time: Double)] {
        guard pairsOnly else { return planner.resolution(envelopes, grid: grid) }
        let n = grid.axes.count
        return (0..<n).map { i in
            var worst = (ratio: Double.infinity, time: 0.0)
            for e in envelopes {
                let c = e.covariance
                for j in 0..<n where j != i && c[j * n + j] > 0 {
                    let r = max(c[i * n + i] - c[i * n + j] * c[i * n + j] / c[j * n + j], 0).squareRoot() / grid.axes[i].spacing
                    if r < worst.ratio { worst = (r, e.time) }
                }
            }
            return (grid.axes[i].name, worst.ratio, worst.time)
        }
    }

    /// The adapted frame's default output grid: `grid`'s box, with along each axis the points that draw the
    /// narrowest law of the run at the planner's spacings per conditional deviation (`drawnResolution`), no
    /// fewer than `grid` has and no more than `largestDrawingPoints`.
    static func drawingGrid(_ grid: PhaseSpaceGrid, envelopes: [GridPlanner.Envelope], planner: GridPlanner, pairsOnly: Bool) throws -> PhaseSpaceGrid {
        let resolution = drawnResolution(envelopes, grid: grid, planner: planner, pairsOnly: pairsOnly)
        let points = grid.axes.indices.map { i -> Int in
            let needed = Int(clamping: Double(grid.axes[i].points) * planner.pointsPerConditionalDeviation / resolution[i].ratio,
                             to: 0...largestDrawingPoints, rounding: .up)
            return max(grid.axes[i].points, needed + needed % 2)
        }
        return try PhaseSpaceGrid(points: points, halfWidths: grid.axes.map(\.halfWidth))
    }

    /// The initial density sampled on the grid (or the file's last frame).
    public func initialDensity() throws -> AlignedBuffer {
        let field = grid.makeField()
        switch start {
        case let .mixture(mixture):
            try mixture.sample(on: grid, origin: dynamics.stationaryPoint, into: field.buffer)
        case let .file(_, density):
            precondition(density.count == grid.pointCount)
            for i in 0..<density.count { field[i] = density[i] }
        }
        return field
    }

    /// The time stepper of this run, with its FFT plans made (and FFTW wisdom read and kept); in an adapted
    /// frame it starts in `frame` (the run's initial frame when nil).
    public func makeStepper(effort: PlanningEffort, frame: Frame? = nil) throws -> any TimeStepper {
        FFTWRuntime.setThreads(configuration.grid.threads)
        return try configuration.withWisdom {
            if let adaptedFrame {
                let start = frame ?? adaptedFrame.frame
                return try TimeSteppers.makeInFrame(scheme, dynamics: dynamics, grid: grid, frameGrid: adaptedFrame.grid, mean: start.mean,
                                                    covariance: start.covariance, effort: effort)
            }
            return try TimeSteppers.make(scheme, dynamics: dynamics, grid: grid, effort: effort, substepNorm: substepNorm)
        }
    }

    /// The driver of this run, with its stepper and the initial state (sampled exactly in the frame when
    /// the frame is adapted), or the state of the last complete record of `partial`, a killed run of it.
    public func makeSimulation(effort: PlanningEffort, resuming partial: PartialRun? = nil) throws -> Simulation {
        if let partial { return try resumedSimulation(effort: effort, partial) }
        let stepper = try makeStepper(effort: effort)
        if let adapted = stepper.representation as? any AdaptedFrameRepresentation {
            let state = adapted.makeState()
            if let saved = adaptedFrame?.state {
                for i in 0..<saved.count { state[i] = saved[i] }
            } else if case let .mixture(mixture) = start {
                try adapted.load(mixture, origin: dynamics.stationaryPoint, into: state)
            }
            let simulation = Simulation(stepper: stepper, initialState: state, startTime: startTime)
            simulation.drawsDensity = drawsDensity
            return simulation
        }
        return Simulation(stepper: stepper, initialDensity: try initialDensity(), startTime: startTime)
    }

    private func resumedSimulation(effort: PlanningEffort, _ partial: PartialRun) throws -> Simulation {
        let time = partial.times.last!
        if let adaptedFrame {
            guard let saved = partial.frameState, saved.density.count == adaptedFrame.grid.pointCount else {
                throw StudyError("The partial file \(partial.path) holds no frame state of this run's frame grid, so it cannot be resumed; delete it and run again without --resume.")
            }
            let frame = try Frame(mean: zip(saved.mean, dynamics.stationaryPoint).map(-), factor: saved.factor)
            let stepper = try makeStepper(effort: effort, frame: frame)
            let state = stepper.representation.makeState()
            for i in 0..<saved.density.count { state[i] = saved.density[i] }
            let simulation = Simulation(stepper: stepper, initialState: state, startTime: time)
            simulation.drawsDensity = drawsDensity
            return simulation
        }
        guard let density = partial.density, density.count == grid.pointCount else {
            throw StudyError("The partial file \(partial.path) holds no full density of this run's grid ([output] full_density), so it cannot be resumed; delete it and run again without --resume.")
        }
        let field = grid.makeField()
        for i in 0..<density.count { field[i] = density[i] }
        return Simulation(stepper: try makeStepper(effort: effort), initialDensity: field, startTime: time)
    }

    /// The driver's settings for this run file's [time] section.
    public var simulationSettings: SimulationSettings {
        let t = configuration.time
        var settings = SimulationSettings(stopTime: t.stop, outputEvery: t.outputEvery, tolerance: t.tolerance, fixedStep: t.step,
                                          maxSteps: t.maxSteps, boundaryTolerance: boundaryTolerance)
        settings.maxWork = t.maxWork
        return settings
    }

    /// The model sections ([sgd], [loss], [noise]) in which the run file a file was solved with differs from
    /// `config`; nil when the file does not carry its run file.
    static func changedModelSections(file path: String, config: RunConfiguration) throws -> [String]? {
        let reader = try NetCDFReader(path: path)
        defer { reader.close() }
        guard let text = try reader.attribute("configuration")?.text,
              let before = try? RunConfiguration.parse(toml: text, source: path) else { return nil }
        return [("[sgd]", before.sgd == config.sgd), ("[loss]", before.loss == config.loss), ("[noise]", before.noise == config.noise)]
            .filter { !$0.1 }.map(\.0)
    }

    /// The edge tolerance and transport sub-step bound of the run that wrote `path` (its root attributes
    /// `boundary_tolerance` and `substep_norm`), where it has them.
    static func numericalSettings(of path: String) throws -> (boundaryTolerance: Double?, substepNorm: Double?) {
        let reader = try NetCDFReader(path: path)
        defer { reader.close() }
        func value(_ name: String, below limit: Double) throws -> Double? {
            try reader.attribute(name)?.numbers?.first.flatMap { $0.isFinite && $0 > 0 && $0 < limit ? $0 : nil }
        }
        return (try value("boundary_tolerance", below: 1), try value("substep_norm", below: 1e6))
    }

    /// The Langevin model of a run file's [sgd], [loss] and [noise].
    public static func model(_ c: RunConfiguration) throws -> LangevinSDE {
        let hyper = Hyperparameters(
            learningRate: c.sgd.learningRate, momentum: c.sgd.momentum, batchSize: Double(c.sgd.batchSize),
            weightDecay: c.sgd.weightDecay, datasetSize: c.sgd.datasetSize.map(Double.init))
        let loss = QuadraticLoss(hessian: try Matrix(validating: c.loss.hessian, key: "[loss] hessian"), minimum: c.loss.minimum)
        let noise: NoiseModel
        switch c.noise.model {
        case .hessian: noise = .hessian(scale: c.noise.scale)
        case .isotropic: noise = .isotropic(scale: c.noise.scale)
        case .matrix: noise = .matrix(try Matrix(validating: c.noise.matrix ?? [], key: "[noise] matrix"))
        case .lossHessian: noise = .lossHessian(labelNoise: c.noise.labelNoise)
        }
        return try LangevinSDE(hyperparameters: hyper, loss: loss, noise: noise)
    }
}


extension RunConfiguration {
    /// Where FFTW wisdom is kept for this run, or nil when disabled.
    var wisdomPath: String? {
        switch grid.wisdom {
        case .defaultLocation: return FFTWRuntime.defaultWisdomPath
        case .disabled: return nil
        case let .file(p): return p
        }
    }

    /// Plans made in `body` start from the run's FFTW wisdom, which is kept for the next run.
    /// A file at the wisdom path that FFTW did not write is refused, never overwritten.
    func withWisdom<T>(_ body: () throws -> T) throws -> T {
        let wisdom = wisdomPath
        if let wisdom, let handle = FileHandle(forReadingAtPath: wisdom) {
            let head = String(decoding: handle.readData(ofLength: 6), as: UTF8.self)
            try? handle.close()
            guard head == "(fftw-" || head.isEmpty else {
                throw StudyError("[grid] wisdom = \"\(wisdom)\" is a file FFTW did not write; choose a new path for the wisdom, or \"none\".")
            }
        }
        if let wisdom { FFTWRuntime.importWisdom(from: wisdom) }
        defer { if let wisdom { FFTWRuntime.exportWisdom(to: wisdom) } }
        return try body()
    }
}
