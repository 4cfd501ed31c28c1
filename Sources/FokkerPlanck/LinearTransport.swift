import Foundation
import LangevinModel
import Spectral

/// The flow of the linear drift alone, p ↦ det B · p(B y) with B = e^{Aτ} in centred coordinates y, done in
/// m equal sub-steps, each factored into one `AxisResampler` pass per axis (`RowFactorization`).
///
/// m is the smallest count for which every sub-step moves the density by at most `maxSubstepNorm` of the
/// box (‖S⁻¹AS‖∞ τ/m with S the box half-widths) and every pass scales its axis by a factor in [½, 2]:
/// then every intermediate field stays inside the box and resolved.
public final class LinearTransport {
    /// Sub-step bound for densities the grid resolves well.
    public static let defaultSubstepNorm = 0.5

    /// The sub-step bound for a run whose density has at worst `ratio` grid spacings per conditional
    /// standard deviation. A pass that compresses its axis drops the spectrum beyond Nyquist/s; on a
    /// well-resolved field that is nothing, but below 3 spacings it is not, and the loss grows quickly with
    /// the deformation per sub-step (P3 at 48⁴, 1.7 spacings, relative L¹ at t = 0.1: 5e-6 with bound 1,
    /// 2.4e-8 with ½, 6e-9 with ¼), so such runs take sub-steps half as long.
    public static func substepNorm(forResolution ratio: Double) -> Double {
        ratio < 3 ? defaultSubstepNorm / 2 : defaultSubstepNorm
    }

    let grid: PhaseSpaceGrid
    let drift: Matrix
    let maxSubstepNorm: Double
    private let normalizedDriftNorm: Double
    private let resamplers: [AxisResampler]

    struct Plan {
        let step: Double
        let substeps: Int
        /// Passes of one sub-step in the order they are applied.
        let passes: [(AxisResampler, AxisResampler.Tables)]
    }

    init(grid: PhaseSpaceGrid, drift: Matrix, maxSubstepNorm: Double, effort: PlanningEffort) {
        self.grid = grid
        self.drift = drift
        self.maxSubstepNorm = maxSubstepNorm
        normalizedDriftNorm = Self.normalizedNorm(of: drift, on: grid)
        resamplers = (0..<drift.rows).map { AxisResampler(grid: grid, axis: $0, effort: effort) }
    }

    /// max over rows i of Σⱼ |Aᵢⱼ| wⱼ/wᵢ (w the half-widths): the drift's speed in units of the box.
    private static func normalizedNorm(of drift: Matrix, on grid: PhaseSpaceGrid) -> Double {
        let widths = grid.axes.map(\.halfWidth)
        return (0..<drift.rows).map { i in (0..<drift.rows).reduce(0) { $0 + abs(drift[i, $1]) * widths[$1] / widths[i] } }.max()!
    }

    /// The sub-steps of a step and the row factors of one sub-step's map: the fewest whose motion stays within
    /// `maxSubstepNorm` of the box and whose factors have diagonals in [1/2, 2]. No plans are made.
    static func substeps(drift: Matrix, grid: PhaseSpaceGrid, step: Double, maxSubstepNorm: Double) -> (count: Int, rows: [[Double]]) {
        var m = Int(clamping: normalizedNorm(of: drift, on: grid) * step / maxSubstepNorm, to: 1...(1 << 24), rounding: .up)
        while true {
            let b = ((step / Double(m)) * drift).exponential()
            if let r = RowFactorization.rows(of: b.elements, dimension: drift.rows), r.enumerated().allSatisfy({ (0.5...2).contains($0.element[$0.offset]) }) {
                return (m, r)
            }
            m *= 2
        }
    }

    func plan(for step: Double) -> Plan {
        let (m, rows) = Self.substeps(drift: drift, grid: grid, step: step, maxSubstepNorm: maxSubstepNorm)
        // B = Rₙ₋₁⋯R₀ acts as the pass of Rₙ₋₁ first and of R₀ last.
        let passes = (0..<drift.rows).reversed().map { axis in (resamplers[axis], resamplers[axis].tables(for: rows[axis])) }
        return Plan(step: step, substeps: m, passes: passes)
    }

    /// One sub-step of `plan`, in place.
    func applySubstep(_ plan: Plan, to state: AlignedBuffer) {
        for (pass, tables) in plan.passes { pass.apply(state, into: state, tables: tables) }
    }

    /// Bytes held: per-line phases of every axis's tables and per-core scratch (small beside a field).
    static func memoryEstimate(grid: PhaseSpaceGrid, plans: Int) -> Double {
        grid.shape.reduce(0.0) { $0 + Double(grid.pointCount / $1) } * 16 * Double(plans)
    }
}
