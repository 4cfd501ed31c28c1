import Spectral

/// The registry of schemes: name → constructor. Tests loop over every entry that applies to their problem.
public enum TimeSteppers {
    public enum Kind: Sendable {
        case lawson(ButcherTableau)
        case exact
        case strang
    }

    public struct Entry: Sendable {
        public let name: String
        public let summary: String
        public let kind: Kind

        /// Bytes a run needs on `grid`: the scheme's own fields, the driver's state and real output field, and
        /// `extraFields` real fields of the caller (initial density, exact density).
        public func memoryEstimate(grid: PhaseSpaceGrid, dynamics: LinearDynamics, extraFields: Int = 2) -> Double {
            let real = Double(grid.pointCount) * 8
            switch kind {
            case let .lawson(tableau):
                let state = Double(grid.mixedCount) * 16
                return LawsonRungeKutta.memoryEstimate(tableau, grid: grid, constantDiffusion: dynamics.hasConstantDiffusion)
                    + state + real * Double(1 + extraFields)
            case .exact:
                return ExactPropagator.memoryEstimate(grid: grid) + real * Double(2 + extraFields)
            case .strang:
                return StrangSplitting.memoryEstimate(grid: grid, constantDiffusion: dynamics.hasConstantDiffusion)
                    + real * Double(2 + extraFields)
            }
        }

        /// Whether the scheme chooses its own steps (so that a resumed run needs its controller's last proposal).
        public var isAdaptive: Bool {
            switch kind {
            case let .lawson(tableau): return tableau.isAdaptive
            case .exact: return false
            case .strang: return true
            }
        }

        /// Why the scheme cannot run this problem, or nil when it can.
        public func unavailability(for dynamics: LinearDynamics) -> String? {
            switch kind {
            case .exact where !dynamics.hasConstantDiffusion:
                return "it needs noise that does not depend on θ (use \"exact-strang\" for noise model \"loss-hessian\")"
            default:
                return nil
            }
        }
    }

    public static let table: [Entry] = [
        Entry(name: "lawson-dp54", summary: "adaptive Dormand–Prince 5(4) with the exact diffusion propagator as integrating factor (default)", kind: .lawson(.dormandPrince54)),
        Entry(name: "lawson-bs32", summary: "adaptive Bogacki–Shampine 3(2) with the exact diffusion propagator as integrating factor", kind: .lawson(.bogackiShampine32)),
        Entry(name: "lawson-rk4", summary: "fixed-step classical RK4 with the exact diffusion propagator as integrating factor", kind: .lawson(.classicalRK4)),
        Entry(name: "exact", summary: "the exact propagator of linear drift and constant noise: one step per output interval, no step-size limit", kind: .exact),
        Entry(name: "exact-strang", summary: "adaptive Strang splitting of exact transport and exact velocity diffusion, Richardson-extrapolated; any noise model, steps limited by accuracy only", kind: .strang),
    ]

    public static var names: [String] { table.map(\.name) }

    /// What a run file may name: every scheme, or "auto".
    public static var choices: [String] { ["auto"] + names }

    /// The scheme "auto" stands for: the exact propagator for constant noise, its Strang splitting otherwise.
    public static func resolve(_ name: String, for dynamics: LinearDynamics) -> String {
        guard name == "auto" else { return name }
        return dynamics.hasConstantDiffusion ? "exact" : "exact-strang"
    }

    public static func entry(_ name: String) throws(SimulationError) -> Entry {
        guard let entry = table.first(where: { $0.name == name }) else { throw .unknownScheme(name, known: names) }
        return entry
    }

    /// Builds the scheme `name` for `dynamics` on `grid` (plans are made here: before filling any field).
    /// `substepNorm` bounds the sub-steps of the exact transport (see `LinearTransport`).
    public static func make(_ name: String, dynamics: LinearDynamics, grid: PhaseSpaceGrid,
                            effort: PlanningEffort = .measure, substepNorm: Double = LinearTransport.defaultSubstepNorm) throws(SimulationError) -> any TimeStepper {
        let entry = try entry(name)
        if let reason = entry.unavailability(for: dynamics) { throw .schemeNotApplicable(scheme: name, reason: reason) }
        switch entry.kind {
        case let .lawson(tableau):
            let op = FokkerPlanckOperator(grid: grid, dynamics: dynamics, effort: effort)
            return LawsonRungeKutta(name: entry.name, tableau: tableau, operator: op)
        case .exact:
            return ExactPropagator(name: entry.name, dynamics: dynamics, grid: grid, maxSubstepNorm: substepNorm, effort: effort)
        case .strang:
            return StrangSplitting(name: entry.name, dynamics: dynamics, grid: grid, maxSubstepNorm: substepNorm, effort: effort)
        }
    }

    /// Builds the scheme `name` in an adapted frame: its state lives on `frameGrid` in the frame of the law with
    /// `mean` and `covariance` (centred coordinates x − x*), and is drawn on the axis-aligned `grid`.
    public static func makeInFrame(_ name: String, dynamics: LinearDynamics, grid: PhaseSpaceGrid, frameGrid: PhaseSpaceGrid,
                                   mean: [Double], covariance: [Double], effort: PlanningEffort = .measure) throws(SimulationError) -> any TimeStepper {
        let entry = try entry(name)
        if let reason = entry.unavailability(for: dynamics) { throw .schemeNotApplicable(scheme: name, reason: reason) }
        switch entry.kind {
        case let .lawson(tableau):
            return try AdaptedLawsonScheme(name: entry.name, tableau: tableau, dynamics: dynamics, grid: grid, frameGrid: frameGrid,
                                           mean: mean, covariance: covariance, effort: effort)
        case .exact:
            return try AdaptedExactPropagator(name: entry.name, dynamics: dynamics, grid: grid, frameGrid: frameGrid,
                                              mean: mean, covariance: covariance, effort: effort)
        case .strang:
            throw .schemeNotApplicable(scheme: name, reason: "it runs on the fixed frame only (set [grid] frame = \"fixed\", or use \"exact\" or a Lawson scheme)")
        }
    }

    /// Bytes a run in an adapted frame needs beside its fields: the scheme's own, and the drawing map's when
    /// the density is drawn on the output grid.
    public static func memoryEstimateInFrame(_ name: String, dynamics: LinearDynamics, grid: PhaseSpaceGrid, frameGrid: PhaseSpaceGrid,
                                             drawsDensity: Bool) throws(SimulationError) -> Double {
        switch try entry(name).kind {
        case let .lawson(tableau):
            return AdaptedLawsonScheme.memoryEstimate(tableau, grid: grid, frameGrid: frameGrid, constantDiffusion: dynamics.hasConstantDiffusion,
                                                      drawsDensity: drawsDensity)
        case .exact, .strang:
            return AdaptedExactPropagator.memoryEstimate(grid: grid, frameGrid: frameGrid, drawsDensity: drawsDensity)
        }
    }
}
