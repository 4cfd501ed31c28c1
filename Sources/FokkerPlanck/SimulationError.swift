import Foundation

/// Failures of a run, one sentence each saying what to change.
public enum SimulationError: Error, CustomStringConvertible, Equatable {
    case unknownScheme(String, known: [String])
    case nonFinite(time: Double)
    case massDrift(time: Double, relative: Double)
    case densityAtBoundary(time: Double, axis: String, fraction: Double)
    case stepTooSmall(time: Double, step: Double)
    case tooManySteps(time: Double, steps: Int)
    case badSchedule(String)
    case fixedStepRequired(scheme: String)
    case schemeNotApplicable(scheme: String, reason: String)
    case densityAtFrameEdge(time: Double, axis: Int, fraction: Double)
    case frameDegenerate(time: Double, reason: String)
    /// One accepted step moved the law by `movement` of its own deviations in its frame.
    case unstableStep(time: Double, scheme: String, movement: Double, fixedStep: Bool)
    case tooMuchWork(substepsPerFrame: Int?, frames: Double, work: Double, limit: Double)

    public var description: String {
        switch self {
        case let .unknownScheme(name, known):
            return "Unknown time scheme '\(name)'; choose one of \(known.joined(separator: ", ")) in [time] scheme."
        case let .nonFinite(t):
            return String(format: "The density became NaN or infinite at t = %.6g; tighten [time] tolerance or use a finer [grid].", t)
        case let .massDrift(t, rel):
            return String(format: "Total probability drifted by %.3g (relative) by t = %.6g, which happens only when the time step is unstable; use a smaller [time] step, or a tighter [time] tolerance.", rel, t)
        case let .densityAtBoundary(t, axis, fraction):
            return String(format: "At t = %.6g the density reaches the box edge along %@ (%.2g of its peak); enlarge [grid] box along %@ (or use box = \"auto\"), or, if the grid does not resolve the density, use more [grid] points.", t, axis, fraction, axis)
        case let .stepTooSmall(t, h):
            return String(format: "The adaptive step fell to %.3g at t = %.6g; loosen [time] tolerance or check that the density is resolved by the grid.", h, t)
        case let .tooManySteps(t, n):
            return String(format: "The run stopped after %ld steps at t = %.6g; raise [time] max_steps, loosen [time] tolerance, or use fewer grid points.", n, t)
        case let .badSchedule(what):
            return "The time schedule is invalid: \(what)."
        case let .fixedStepRequired(scheme):
            return "The fixed-step scheme '\(scheme)' needs a step size; set [time] step to a positive number."
        case let .schemeNotApplicable(scheme, reason):
            return "The time scheme '\(scheme)' cannot run this model: \(reason); choose another [time] scheme."
        case let .densityAtFrameEdge(t, axis, fraction):
            return String(format: "At t = %.6g the density reaches the edge of the adapted frame's box along frame axis %ld (%.2g of its peak): the law is far from the Gaussian the frame follows; widen [grid] frame_box.", t, axis + 1, fraction)
        case let .frameDegenerate(t, reason):
            return String(format: "The run stopped at t = %.6g: ", t) + reason + " Stop the run earlier ([time] stop), or add noise or weight decay along that direction."
        case let .unstableStep(t, scheme, movement, fixed):
            return String(format: "At t = %.6g one step of the %@ scheme moved the law by %.3g of its own deviations, beyond what a stable step does; use %@.",
                          t, scheme, movement, fixed ? "a smaller [time] step" : "a tighter [time] tolerance")
        case let .tooMuchWork(m, frames, work, limit):
            let transport = m.map { String(format: " and %ld sub-steps of the exact transport per frame (a small learning rate makes the drift stiff)", $0) } ?? ""
            return String(format: "The run would take %.3g grid-point updates for %.0f frames%@, above [time] max_work = %.3g (of the order of an hour per 1e11); raise [time] max_work to run it anyway, or use fewer frames (a larger [time] output_every), fewer points or a larger learning rate.", work, frames, transport, limit)
        }
    }

    /// The same error at the run's time `t`: a scheme does not know the run's clock.
    public func dated(_ t: Double) -> SimulationError {
        switch self {
        case let .frameDegenerate(_, reason): return .frameDegenerate(time: t, reason: reason)
        case let .unstableStep(_, scheme, movement, fixed): return .unstableStep(time: t, scheme: scheme, movement: movement, fixedStep: fixed)
        default: return self
        }
    }
}
