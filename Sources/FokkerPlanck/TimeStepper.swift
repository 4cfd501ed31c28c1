import Spectral

/// Outcome of one attempted step.
public struct StepAttempt: Sendable {
    public var accepted: Bool
    /// Relative error estimate (embedded schemes), or 0 for fixed-step and exact schemes.
    public var error: Double
    /// The step size the scheme would like next.
    public var suggestedStep: Double
}

/// How a scheme chooses its steps.
public enum StepControl: String, Sendable {
    /// Steps sized by an embedded error estimate against a tolerance.
    case adaptive
    /// Equal steps of a given size.
    case fixed
    /// One step per output interval, exact up to spatial resolution.
    case exact
}

/// Real-space health of the state after the latest step.
public struct StepDiagnostics: Sendable {
    public var minimum = 0.0
    public var negativeMass = 0.0
    public var isFinite = true
    public init() {}
}

/// How a scheme stores the density between steps: the Lawson schemes keep the mixed representation of
/// `FokkerPlanckOperator` (θ real, v Fourier), the exact propagator the real density.
public protocol DensityRepresentation: AnyObject {
    var grid: PhaseSpaceGrid { get }
    func makeState() -> AlignedBuffer
    func load(_ density: AlignedBuffer, into state: AlignedBuffer)
    /// The normalised real density of a state.
    func density(of state: AlignedBuffer, into real: AlignedBuffer)
    /// ∫p, cheap enough to check after every step.
    func mass(_ state: AlignedBuffer) -> Double
    /// The state in the frame it is kept in, when that is an adapted frame: moments, mass and errors are
    /// then computed there (nil: the state lives on `grid` itself).
    func frameView(of state: AlignedBuffer) -> FrameView?
}

extension DensityRepresentation {
    public func frameView(of state: AlignedBuffer) -> FrameView? { nil }
}

/// A time integrator of the Fokker–Planck equation. Schemes are registered in `TimeSteppers.table`.
public protocol TimeStepper: AnyObject {
    var name: String { get }
    var control: StepControl { get }
    var order: Int { get }
    var dynamics: LinearDynamics { get }
    var representation: any DensityRepresentation { get }
    var lastDiagnostics: StepDiagnostics { get }
    /// Operator applications so far (explicit evaluations, or propagator applications).
    var evaluations: Int { get }
    /// Tries to advance `state` by `step`. On acceptance the state holds the new solution; on rejection it
    /// is unchanged. Fixed-step and exact schemes always accept; a scheme throws only when it cannot go on.
    func attempt(_ state: AlignedBuffer, step: Double, tolerance: Double) throws(SimulationError) -> StepAttempt
    /// A first step for adaptive schemes.
    func initialStep(for state: AlignedBuffer) -> Double
    /// Makes what the steps of a run with this output interval need, before the clock starts (plan once,
    /// execute many).
    func prepare(outputInterval: Double)
    /// The grid passes ("sub-steps") one output interval costs, where the scheme knows it before it runs.
    func substeps(forInterval interval: Double) -> Int?
    /// Forget cached evaluations (call after changing the state from outside).
    func reset()
}

extension TimeStepper {
    public var isAdaptive: Bool { control == .adaptive }
    public func prepare(outputInterval: Double) {}
    public func substeps(forInterval interval: Double) -> Int? { nil }
}
