import Spectral

/// Outcome of one attempted step.
public struct StepAttempt: Sendable {
    public var accepted: Bool
    /// Relative error estimate (embedded schemes), or 0 for fixed-step schemes.
    public var error: Double
    /// The step size the scheme would like next.
    public var suggestedStep: Double
}

/// A time integrator for the Fokker–Planck operator. Schemes are registered in `TimeSteppers.table`.
public protocol TimeStepper: AnyObject {
    var name: String { get }
    var isAdaptive: Bool { get }
    var order: Int { get }
    /// Tries to advance `state` by `step`. On acceptance the state holds the new solution; on rejection it
    /// is unchanged. Fixed-step schemes always accept.
    func attempt(_ state: AlignedBuffer, step: Double, tolerance: Double) -> StepAttempt
    /// Forget cached evaluations (call after changing the state from outside).
    func reset()
}

/// The registry of schemes: name → constructor. Tests loop over every entry.
public enum TimeSteppers {
    public struct Entry: Sendable {
        public let name: String
        public let summary: String
        public let tableau: ButcherTableau
    }

    public static let table: [Entry] = [
        Entry(name: "lawson-dp54", summary: "adaptive Dormand–Prince 5(4) with the exact diffusion propagator as integrating factor (default)", tableau: .dormandPrince54),
        Entry(name: "lawson-bs32", summary: "adaptive Bogacki–Shampine 3(2) with the exact diffusion propagator as integrating factor", tableau: .bogackiShampine32),
        Entry(name: "lawson-rk4", summary: "fixed-step classical RK4 with the exact diffusion propagator as integrating factor", tableau: .classicalRK4),
    ]

    public static var names: [String] { table.map(\.name) }

    public static func make(_ name: String, operator op: FokkerPlanckOperator) throws(SimulationError) -> any TimeStepper {
        guard let entry = table.first(where: { $0.name == name }) else { throw .unknownScheme(name, known: names) }
        return LawsonRungeKutta(name: entry.name, tableau: entry.tableau, operator: op)
    }
}
