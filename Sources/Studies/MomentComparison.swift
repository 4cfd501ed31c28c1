import Foundation
import LangevinModel
import SGDSimulation

/// Simulated stationary second moments beside the exact discrete chain and the continuous model.
public struct MomentComparison: Sendable {
    public struct Row: Sendable {
        public var label: String
        public var simulated: Estimate
        public var discrete: Double?
        public var continuous: Double?
    }

    public let rows: [Row]
    public let discrete: Matrix?
    public let continuous: Matrix?

    public init(sde: LangevinSDE, result: SGDResult) throws {
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
}
