import Foundation
import LangevinModel
import SGDSimulation

/// Simulated stationary second moments beside the exact discrete chain and the continuous model.
struct MomentComparison {
    struct Row {
        var label: String
        var simulated: Estimate
        var discrete: Double?
        var continuous: Double?
    }

    let rows: [Row]
    let discrete: Matrix?
    let continuous: Matrix?

    init(sde: LangevinSDE, result: SGDResult) throws {
        let n = sde.phaseDimension
        let names = sde.parameterDimension == 1 ? ["θ", "v"] : ["θ1", "θ2", "v1", "v2"]
        discrete = try? DiscreteSGDTheory.stationaryCovariance(sde)
        continuous = sde.noise.isStateDependent ? (try? MomentClosure.stationary(sde).covariance) : (try? GaussianTheory.stationaryCovariance(sde))
        var rows: [Row] = []
        let full = result.stationaryCovariance.count == n * n
        for a in 0..<n {
            for b in a..<n where full || a == b {
                let e = result.stationaryCovariance[full ? a * n + b : a]
                rows.append(Row(label: a == b ? "Var \(names[a])" : "Cov(\(names[a]), \(names[b]))", simulated: e,
                                discrete: discrete?[a, b], continuous: continuous?[a, b]))
            }
        }
        self.rows = rows
    }

    func table() -> String {
        var table = ConsoleTable("moment", "SGD (95 % CI)", "exact discrete", "in CI", "continuous model", "SGD / continuous")
        for r in rows {
            let half = 1.96 * r.simulated.standardError
            let inside = r.discrete.map { abs(r.simulated.value - $0) <= half ? "yes" : "no" } ?? "-"
            let ratio = r.continuous.flatMap { abs($0) > 1e-12 * max(abs(r.simulated.value), 1e-300) ? fmt(r.simulated.value / $0, 5) : nil } ?? "-"
            table.add(r.label, "\(fmt(r.simulated.value, 6)) ± \(fmt(half, 2))", r.discrete.map { fmt($0, 6) } ?? "-", inside,
                      r.continuous.map { fmt($0, 6) } ?? "-", ratio)
        }
        return table.render()
    }
}
