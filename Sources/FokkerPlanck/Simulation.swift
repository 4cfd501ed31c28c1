import Foundation
import LangevinModel
import Spectral

/// Run settings of the driver: when to stop, when to write, how accurately, and what to watch.
public struct SimulationSettings: Sendable {
    public var stopTime: Double
    /// Output interval; frames are written at start, start + every, …, and at the stop time.
    public var outputEvery: Double
    /// Relative L² error per step for adaptive schemes.
    public var tolerance: Double
    /// Step size for fixed-step schemes (each output interval is split into equal steps no longer than it).
    public var fixedStep: Double?
    public var maxSteps: Int
    /// Largest density allowed on the outermost grid layer, relative to the peak.
    public var boundaryTolerance: Double
    /// Largest relative change of total mass tolerated (round-off is orders of magnitude below).
    public var massTolerance: Double
    /// Largest work, in grid-point updates (sub-steps × grid points), a run may plan before it starts; 10¹¹ is
    /// of the order of an hour on one core.
    public var maxWork = 1e11
    /// Where the output schedule started, when this run goes on with it (a resumed run): frames then fall at
    /// exactly the times of the uninterrupted run, origin + k · outputEvery.
    public var scheduleOrigin: Double?
    /// The adaptive controller's first step, when a resumed run takes over the interrupted run's.
    public var initialStep: Double?
    /// Whether the state at the start is a frame (false when it was already written: a resumed run).
    public var emitsStartFrame = true

    public init(stopTime: Double, outputEvery: Double, tolerance: Double = 1e-8, fixedStep: Double? = nil,
                maxSteps: Int = 10_000_000, boundaryTolerance: Double = 1e-7, massTolerance: Double = 1e-9) {
        self.stopTime = stopTime
        self.outputEvery = outputEvery
        self.tolerance = tolerance
        self.fixedStep = fixedStep
        self.maxSteps = maxSteps
        self.boundaryTolerance = boundaryTolerance
        self.massTolerance = massTolerance
    }
}

extension SimulationSettings {
    /// What one output frame costs, in sub-steps of the exact transport on the same grid (measured: 14 ms per
    /// frame on 128² against 35 ns per point and sub-step).
    static let frameCost = 25.0

    /// Refuses, with the figure, a run from `start` whose work is known to exceed `maxWork`: its frames, each
    /// as dear as `frameCost` sub-steps (moments, exact law, writing), and `substepsPerFrame` sub-steps of the
    /// exact transport per frame (many when a small learning rate makes the drift stiff), on `points`; and a
    /// frame's worth again on `drawnPoints`, the output grid an adapted frame draws its density on.
    public func checkWork(from start: Double, substepsPerFrame m: Int?, points: Int, drawnPoints: Int = 0) throws(SimulationError) {
        let frames = ((stopTime - start) / outputEvery).rounded(.up)
        let work = ((Double(m ?? 0) + Self.frameCost) * Double(points) + Self.frameCost * Double(drawnPoints)) * frames
        guard work <= maxWork else { throw .tooMuchWork(substepsPerFrame: m, frames: frames, work: work, limit: maxWork) }
    }
}

/// One output frame handed to the writer.
public struct SimulationFrame {
    public var time: Double
    public var steps: Int
    /// Last accepted step size (0 at the start).
    public var stepSize: Double
    /// The step the controller proposes after this frame (infinite for exact schemes).
    public var nextStep: Double = .infinity
    /// Real density on the grid (valid only during the callback).
    public var density: UnsafeBufferPointer<Double>
    /// Moments with the mean in uncentred coordinates (θ, v).
    public var moments: DensityMoments
    /// The state in its adapted frame, when it is kept in one (valid only during the callback).
    public var frameView: FrameView? = nil
}

/// Progress of a run, for terminal display.
public struct SimulationProgress: Sendable {
    public var time: Double
    public var startTime: Double
    public var stopTime: Double
    public var steps: Int
    public var elapsed: Double
    /// Seconds left, extrapolated from the simulated-time rate so far.
    public var remaining: Double? {
        let done = time - startTime
        return done > 0 ? elapsed * (stopTime - time) / done : nil
    }
}

/// What a finished run reports.
public struct SimulationSummary: Sendable {
    public var steps: Int
    public var rejectedSteps: Int
    public var evaluations: Int
    public var wallTime: Double
    /// Part of `wallTime` spent outside the stepper: frame moments, checks and the output callback.
    public var outputTime: Double
    /// Time spent stepping alone.
    public var solverTime: Double { wallTime - outputTime }
    public var finalMassError: Double
    public var minimumDensity: Double
    public var largestNegativeMass: Double
    public var smallestStep: Double
    public var largestStep: Double
}

/// The driver: owns the state, advances it with a stepper, stops at output times, checks every step for
/// NaN and mass drift, and each frame for negative density and density at the box edge.
public final class Simulation {
    public let stepper: any TimeStepper
    public let state: AlignedBuffer
    public private(set) var time: Double
    /// The density on the axis-aligned grid, made only when a frame is drawn there.
    private lazy var real: AlignedBuffer = grid.makeField()
    private var space: any DensityRepresentation { stepper.representation }
    /// Whether each frame carries the density on the axis-aligned grid. A representation with a frame view
    /// measures everything in its frame, so without a reader of the drawn density (a 4-D run that writes
    /// only marginals) the output grid need not be held at all.
    public var drawsDensity = true
    public var grid: PhaseSpaceGrid { stepper.representation.grid }

    /// Starts from a real density sampled on the stepper's grid.
    public convenience init(stepper: any TimeStepper, initialDensity: AlignedBuffer, startTime: Double = 0) {
        let state = stepper.representation.makeState()
        stepper.representation.load(initialDensity, into: state)
        self.init(stepper: stepper, initialState: state, startTime: startTime)
    }

    /// Starts from a state already in the stepper's representation (`makeState`, then filled).
    public init(stepper: any TimeStepper, initialState: AlignedBuffer, startTime: Double = 0) {
        self.stepper = stepper
        state = initialState
        time = startTime
    }

    /// Output times from the current time to `stop`, every `every` from `origin` (the start when nil),
    /// always including `stop`.
    public static func outputTimes(start: Double, stop: Double, every: Double, origin: Double? = nil) -> [Double] {
        var times = [start]
        let origin = origin ?? start
        var k = Int(clamping: (start - origin) / every, to: 0...Int(1 << 40)) + 1
        while true {
            let t = origin + Double(k) * every
            if t >= stop - 1e-9 * every { break }
            times.append(t)
            k += 1
        }
        if stop > start { times.append(stop) }
        return times
    }

    /// Runs to the stop time with one observer made of a closure.
    public func run(
        _ settings: SimulationSettings,
        progress: ((SimulationProgress) -> Void)? = nil,
        onOutput: @escaping (SimulationFrame) throws -> Void
    ) throws -> SimulationSummary {
        try run(settings, progress: progress, observers: [FrameCallback(onOutput)])
    }

    /// Runs to the stop time, or until a stop condition among the observers is satisfied, handing every
    /// output frame to the observers in order.
    public func run(
        _ settings: SimulationSettings,
        progress: ((SimulationProgress) -> Void)? = nil,
        observers: [any FrameObserver]
    ) throws -> SimulationSummary {
        guard settings.stopTime.isFinite, settings.stopTime > time else {
            throw SimulationError.badSchedule("the stop time must be later than the start time (\(time))")
        }
        guard settings.outputEvery.isFinite, settings.outputEvery > 0 else {
            throw SimulationError.badSchedule("the output interval must be positive")
        }
        if stepper.control == .fixed && (settings.fixedStep ?? 0) <= 0 { throw SimulationError.fixedStepRequired(scheme: stepper.name) }
        // A frame is a record of the file and a list entry here: more than 10⁵ is a mistyped output_every, not a run.
        let frameCount = (settings.stopTime - time) / settings.outputEvery
        guard frameCount <= 1e5 else {
            throw SimulationError.badSchedule(String(format: "[time] output_every = %.3g would write %.3g frames; use at most 100000 (a larger output_every)", settings.outputEvery, frameCount))
        }
        let frameGrid = space.frameView(of: state)?.grid
        try settings.checkWork(from: time, substepsPerFrame: stepper.substeps(forInterval: min(settings.outputEvery, settings.stopTime - time)),
                               points: frameGrid?.pointCount ?? grid.pointCount, drawnPoints: frameGrid != nil && drawsDensity ? grid.pointCount : 0)
        stepper.prepare(outputInterval: min(settings.outputEvery, settings.stopTime - time))
        let clock = ContinuousClock()
        let started = clock.now
        func seconds() -> Double {
            let d = clock.now - started
            return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
        }
        let startTime = time
        let mass0 = space.mass(state)
        let evaluations0 = stepper.evaluations
        var steps = 0, rejected = 0, lastStep = 0.0
        var minDensity = Double.infinity, worstNegative = 0.0
        var smallest = Double.infinity, largest = 0.0
        var lastReport = -1.0

        var outputTime = 0.0
        stepper.reset()
        var h = settings.fixedStep ?? settings.initialStep ?? stepper.initialStep(for: state)
        func emit() throws {
            let entered = seconds()
            defer { outputTime += seconds() - entered }
            let view = space.frameView(of: state)
            let drawn = view == nil || drawsDensity
            if drawn { space.density(of: state, into: real) }
            var m = view?.moments ?? Quadrature.moments(of: UnsafeBufferPointer(real.buffer), on: grid)
            guard m.mass.isFinite else { throw SimulationError.nonFinite(time: time) }
            minDensity = min(minDensity, m.minimum)
            worstNegative = max(worstNegative, m.negativeMass)
            for (a, f) in m.boundaryFractions.enumerated() where f > settings.boundaryTolerance {
                if view != nil { throw SimulationError.densityAtFrameEdge(time: time, axis: a, fraction: f) }
                throw SimulationError.densityAtBoundary(time: time, axis: grid.axes[a].name, fraction: f)
            }
            m.mean = zip(m.mean, stepper.dynamics.stationaryPoint).map { $0 + $1 }
            let frame = SimulationFrame(time: time, steps: steps, stepSize: lastStep, nextStep: stepper.isAdaptive ? h : .infinity,
                                        density: drawn ? UnsafeBufferPointer(real.buffer) : UnsafeBufferPointer(start: nil, count: 0),
                                        moments: m, frameView: view)
            for observer in observers { try observer.observe(frame) }
        }
        if settings.emitsStartFrame { try emit() }
        let times = Self.outputTimes(start: startTime, stop: settings.stopTime, every: settings.outputEvery, origin: settings.scheduleOrigin)
        for target in times.dropFirst() {
            switch stepper.control {
            case .exact:
                h = target - time
            case .fixed:
                let interval = target - time
                guard let count = Int(checking: interval / settings.fixedStep! - 1e-9, rounding: .up), count <= settings.maxSteps - steps else {
                    throw SimulationError.badSchedule(String(format: "[time] step = %.3g would take %.3g steps to t = %.6g, beyond the limit of %ld steps; use a larger [time] step",
                                                             settings.fixedStep!, interval / settings.fixedStep!, target, settings.maxSteps))
                }
                h = interval / Double(max(1, count))
            case .adaptive:
                break
            }
            while time < target {
                let remaining = target - time
                let landing = h >= remaining * (1 - 1e-12)
                let attemptStep = landing ? remaining : min(h, remaining)
                let result: StepAttempt
                do { result = try stepper.attempt(state, step: attemptStep, tolerance: settings.tolerance) } catch {
                    throw error.dated(time)  // a scheme does not know the run's clock
                }
                guard result.error.isFinite || result.accepted, stepper.lastDiagnostics.isFinite else { throw SimulationError.nonFinite(time: time) }
                if !result.accepted {
                    rejected += 1
                    h = result.suggestedStep
                    if h < 1e-14 * max(1, abs(settings.stopTime)) { throw SimulationError.stepTooSmall(time: time, step: h) }
                    continue
                }
                time = landing ? target : time + attemptStep
                steps += 1
                lastStep = attemptStep
                smallest = min(smallest, attemptStep)
                largest = max(largest, attemptStep)
                minDensity = min(minDensity, stepper.lastDiagnostics.minimum)
                worstNegative = max(worstNegative, stepper.lastDiagnostics.negativeMass)
                if stepper.isAdaptive {
                    // A step shortened to land on an output time says nothing about the next one.
                    h = landing ? max(h, result.suggestedStep) : result.suggestedStep
                }
                let mass = space.mass(state)
                if !mass.isFinite { throw SimulationError.nonFinite(time: time) }
                let drift = abs(mass - mass0) / abs(mass0)
                if drift > settings.massTolerance { throw SimulationError.massDrift(time: time, relative: drift) }
                if steps >= settings.maxSteps { throw SimulationError.tooManySteps(time: time, steps: steps) }
                if let progress {
                    let now = seconds()
                    if now - lastReport >= 0.5 {
                        lastReport = now
                        progress(SimulationProgress(time: time, startTime: startTime, stopTime: settings.stopTime, steps: steps, elapsed: now))
                    }
                }
            }
            try emit()
            if observers.contains(where: \.isSatisfied) { break }
        }
        // The state at the end, whatever the interval since the last report: a log's last line is then the final one.
        progress?(SimulationProgress(time: time, startTime: startTime, stopTime: settings.stopTime, steps: steps, elapsed: seconds()))
        return SimulationSummary(
            steps: steps, rejectedSteps: rejected, evaluations: stepper.evaluations - evaluations0, wallTime: seconds(), outputTime: outputTime,
            finalMassError: abs(space.mass(state) - mass0) / abs(mass0), minimumDensity: minDensity,
            largestNegativeMass: worstNegative, smallestStep: smallest.isFinite ? smallest : 0, largestStep: largest)
    }
}
