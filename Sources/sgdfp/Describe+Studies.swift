import Foundation
import LangevinModel
import ProbabilityCurrent
import SGDSimulation
import Studies
import Validation

/// The tables of the analysis, validation, simulation, diffusion and modified-flow studies.
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
        var table = ConsoleTable("quantity", "measured", a.exactLabel)
        let c = a.summary, t = a.theory
        table.add("∫|J| dx", fmt(c.absoluteIntegral), "")
        table.add("∫|J|²/p dx", fmt(c.squaredIntegral), t.map { fmt($0.currentSquaredIntegral) } ?? "")
        table.add("entropy production", c.entropyProduction.map { fmt($0, 4) } ?? "n/a (singular D)", t?.entropyProduction.map { fmt($0, 4) } ?? "")
        table.add("‖∇·J‖/‖p‖", fmt(c.relativeDivergence, 3), a.transientTime == nil ? "0" : "")
        for (i, (w, circ)) in zip(c.rotationFrequencies, c.eigenPlaneCirculations).enumerated() {
            table.add("eigen-plane \(i + 1): ω, circulation", "\(fmt(w)), \(fmt(circ)) (\(circ < 0 ? "clockwise" : "counterclockwise"))",
                      t.map { "\(fmt($0.rotationFrequencies[i])), \(fmt($0.eigenPlaneCirculations[i]))" } ?? fmt(a.sde.modes[i].omega))
        }
        if let th = c.thetaPlaneCirculation { table.add("θ-plane circulation", fmt(th, 4), t?.thetaPlaneCirculation.map { fmt($0, 4) } ?? "") }
        let u = a.modifiedLoss.fittedPrecision
        table.add("fitted U vs P⁻¹ (largest rel. difference)", t.map { fmt((u - $0.precision).maxAbs / $0.precision.maxAbs, 3) } ?? "-", "")
        table.add("−log p minus its quadratic fit (rms)", fmt(a.modifiedLoss.fitResidual, 3), t == nil ? "" : "0")
        return table.render()
    }

    /// The verdict table and one line per claim in words.
    static func validation(_ report: ValidationReport, details: Bool = true) -> String {
        var table = ConsoleTable("claim", "expected", "measured", "floor", "tolerance", "verdict", "agrees")
        for c in report.claims {
            table.add(c.id, c.expected?.rawValue ?? "-", c.measured.map { fmt($0, 3) } ?? "-", c.floor.map { fmt($0, 2) } ?? "-",
                      c.tolerance.map { fmt($0, 2) } ?? "-", c.verdict.rawValue, c.agrees.map { $0 ? "yes" : "NO" } ?? "-")
        }
        guard details else { return table.render() }
        return ([table.render(), ""] + report.claims.map { "\($0.id): \($0.claim). \($0.detail.hasSuffix(".") ? $0.detail : $0.detail + ".")" })
            .joined(separator: "\n")
    }

    static func moments(_ comparison: MomentComparison) -> String {
        var table = ConsoleTable("moment", "SGD (95 % CI)", "exact discrete", "in CI", "continuous model", "SGD / continuous")
        for r in comparison.rows {
            let half = 1.96 * r.simulated.standardError
            let inside = r.discrete.map { abs(r.simulated.value - $0) <= half ? "yes" : "no" } ?? "-"
            let ratio = r.continuous.flatMap { abs($0) > 1e-12 * max(abs(r.simulated.value), 1e-300) ? fmt(r.simulated.value / $0, 5) : nil } ?? "-"
            table.add(r.label, "\(fmt(r.simulated.value, 6)) ± \(fmt(half, 2))", r.discrete.map { fmt($0, 6) } ?? "-", inside,
                      r.continuous.map { fmt($0, 6) } ?? "-", ratio)
        }
        return table.render()
    }

    static func diffusion(_ r: DiffusionStudy.Result, learningRate: Double) -> String {
        var table = ConsoleTable("step k", "t = ηk", "continuous", "discrete chain (whole k)", "local slope", "SGD (95 % CI)")
        for (i, k) in r.steps.enumerated() {
            table.add(fmt(k, 4), fmt(learningRate * k, 4), fmt(r.continuous[i], 5), "\(fmt(r.discrete[i], 5)) (\(r.wholeSteps[i]))",
                      i > 0 ? String(format: "%.3f", r.slopes[i - 1]) : "", interval(r.simulated[i], 5))
        }
        return table.render()
    }

    static func temperature(_ t: FluctuationStudy.EffectiveTemperature, chains: Int?) -> String {
        var table = ConsoleTable("lag τ", "T_eff theory", chains.map { "T_eff SGD, 95 % CI (C from \($0) chains)" } ?? "")
        for (i, tau) in FluctuationStudy.lags.enumerated() {
            table.add(i == 0 ? "→ 0 (T_kin)" : fmt(tau), fmt(t.theory[i], 6), interval(t.sgd[i], 4))
        }
        table.add("→ ∞ (T_static)", fmt(t.staticTemperature, 6), "")
        return table.render()
    }

    static func replicas(_ r: FluctuationStudy.ReplicaDistance, chains: Int?) -> String {
        var table = ConsoleTable("t", "D_rep theory", "Fokker-Planck", "FP − theory", chains == nil ? "" : "SGD (95 % CI)")
        for (i, t) in FluctuationStudy.times.enumerated() {
            table.add(fmt(t), fmt(r.theory[i], 6), fmt(r.fokkerPlanck[i], 6), fmt(r.fokkerPlanck[i] - r.theory[i], 2), interval(r.sgd[i], 5))
        }
        return table.render()
    }

    /// "value ± half-width of the 95 % interval", or nothing.
    static func interval(_ e: Estimate?, _ digits: Int) -> String { e.map { "\(fmt($0.value, digits)) ± \(fmt(1.96 * $0.standardError, 2))" } ?? "" }

    static func rates(_ rates: [ModeRates], momentum beta: Double) -> String {
        var t = beta == 0
            ? ConsoleTable("h + λ", "log(1 − η(h+λ))", "modified flow", "rel. error", "gradient flow", "rel. error")
            : ConsoleTable("h + λ", "exact log z", "2nd-order ODE", "rel. error", "1st-order flow", "rel. error", "gradient flow")
        for r in rates {
            func relative(_ x: Double) -> String { r.exact.re == 0 ? "–" : fmt(abs(x - r.exact.re) / abs(r.exact.re), 2) }
            func complex(_ z: (re: Double, im: Double)) -> String { z.im == 0 ? fmt(z.re, 6) : "\(fmt(z.re, 6))\(z.im < 0 ? "−" : "+")\(fmt(abs(z.im), 6))i" }
            if beta == 0 {
                t.add(fmt(r.curvature, 6), complex(r.exact), fmt(r.secondOrder.re, 6), relative(r.secondOrder.re), fmt(r.plain, 6), relative(r.plain))
            } else {
                let second = r.exact.im == 0
                    ? relative(r.secondOrder.re)
                    : fmt(hypot(r.secondOrder.re - r.exact.re, r.secondOrder.im - r.exact.im) / hypot(r.exact.re, r.exact.im), 2)
                t.add(fmt(r.curvature, 6), complex(r.exact), complex(r.secondOrder), second,
                      r.firstOrderValid ? fmt(r.firstOrder, 6) : "\(fmt(r.firstOrder, 6)) (invalid)",
                      r.firstOrderValid ? relative(r.firstOrder) : "–", fmt(r.plain, 6))
            }
        }
        return "Per-step log rates of the slowest root of the noise-free iteration (physics.md §9.7):\n" + t.render()
    }

    static func translation(_ law: TranslationLaw) -> String {
        var out = ["Translation law of the flat direction\(law.directions.count > 1 ? "s" : "") (physics.md §10.3), from rest:"]
        for (i, u) in law.directions.enumerated() {
            let s = law.series[i]
            out.append("u = (\(u.map { fmt($0, 6) }.joined(separator: ", "))), ψ₀ = u·θ₀ = \(fmt(s.psi0, 8))")
            var t = ConsoleTable(["step k", "t = ηk", "exact recursion", "modified-flow ODE", "ODE − recursion"]
                                 + (s.sgdMean == nil ? [] : ["SGD mean", "SGD Var(u·θ)"]))
            for (r, k) in law.steps.enumerated() {
                var row = [String(k), fmt(law.eta * Double(k), 6), fmt(s.discrete[r], 8), fmt(s.flow[r], 8), fmt(s.flow[r] - s.discrete[r], 3)]
                if let mean = s.sgdMean, let variance = s.sgdVariance { row += [fmt(mean[r], 8), fmt(variance[r], 3)] }
                t.add(row)
            }
            out.append(t.render())
        }
        if let deviation = law.maxDeviation {
            out.append("\(law.chains) SGD chains: max |u·θ_k − recursion| over every chain and step = \(fmt(deviation, 3))"
                + (law.noiseFree ? " (no noise reaches u beyond the round-off of Σ: the law holds per chain, bound \(fmt(law.tolerance, 2)))"
                                 : " (the noise reaches u: only the mean follows the recursion)"))
        }
        return out.joined(separator: "\n")
    }
}
