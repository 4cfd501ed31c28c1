import Foundation
import LangevinModel
import ProbabilityCurrent

extension Describe {
    static func stationary(_ s: StationaryPipeline) -> String {
        var table = ConsoleTable("quantity", "value", "exact")
        let sol = s.solution
        table.add("residual ‖Lp‖/‖p‖ (start → end)", "\(fmt(sol.initialResidual, 3)) → \(fmt(sol.residual, 3))", sol.converged ? "converged" : "grid floor")
        table.add("propagator applications (cycles)", "\(sol.applications) (\(sol.cycles))", "\(sol.propagator), τ = \(fmt(sol.interval))")
        table.add("solve time", TerminalProgress.duration(sol.wallTime), "")
        if let l1 = s.l1ToExact { table.add("L¹ distance to the Lyapunov Gaussian", fmt(l1, 3), "0") }
        table.add("mass, min density", "\(fmt(s.moments.mass, 12)), \(fmt(s.moments.minimum, 3))", "1")
        return table.render() + "\n\n" + analysis(s.analysis)
    }

    static func analysis(_ a: DensityAnalysis) -> String {
        var table = ConsoleTable("quantity", "measured", "exact")
        let c = a.summary, t = a.theory
        table.add("∫|J| dx", fmt(c.absoluteIntegral), "")
        table.add("∫|J|²/p dx", fmt(c.squaredIntegral), t.map { fmt($0.currentSquaredIntegral) } ?? "")
        table.add("entropy production", c.entropyProduction.map { fmt($0, 4) } ?? "n/a (singular D)", t?.entropyProduction.map { fmt($0, 4) } ?? "")
        table.add("‖∇·J‖/‖p‖", fmt(c.relativeDivergence, 3), "0")
        for (i, (w, circ)) in zip(c.rotationFrequencies, c.eigenPlaneCirculations).enumerated() {
            table.add("eigen-plane \(i + 1): ω, circulation", "\(fmt(w)), \(fmt(circ)) (\(circ < 0 ? "clockwise" : "counterclockwise"))",
                      "\(fmt(a.sde.modes[i].omega))" + (t.map { ", \(fmt($0.eigenPlaneCirculations[i]))" } ?? ""))
        }
        if let th = c.thetaPlaneCirculation { table.add("θ-plane circulation", fmt(th, 4), t?.thetaPlaneCirculation.map { fmt($0, 4) } ?? "") }
        let u = a.modifiedLoss.fittedPrecision
        let scale = t.map { (u - $0.precision).maxAbs / $0.precision.maxAbs }
        table.add("fitted U vs P⁻¹ (largest rel. difference)", scale.map { fmt($0, 3) } ?? "-", "")
        table.add("−log p minus its quadratic fit (rms)", fmt(a.modifiedLoss.fitResidual, 3), t == nil ? "" : "0")
        return table.render()
    }
}
