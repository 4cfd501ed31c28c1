import LangevinModel

/// The exact law from a Gaussian-mixture start (physics.md §5.2, §7): with constant noise each component
/// stays Gaussian and moves independently, with the weights fixed. With state-dependent noise the law is
/// not Gaussian, but the first and second moments still obey a closed linear system (physics.md §9.10).
public struct ExactSolution: Sendable {
    public let sde: LangevinSDE
    public let initial: GaussianMixture

    public init(sde: LangevinSDE, initial: GaussianMixture) {
        self.sde = sde
        self.initial = initial
    }

    /// True when the density itself (not only its moments) is known exactly.
    public var hasDensity: Bool { sde.constantVelocityDiffusion != nil }

    /// The exact density at time t as a mixture, or nil for state-dependent noise.
    public func density(at t: Double) -> GaussianMixture? {
        guard hasDensity else { return nil }
        return GaussianMixture(components: initial.components.map { c in
            let n = c.mean.count
            let g = GaussianTheory.propagate(Gaussian(mean: c.mean, covariance: Matrix(rows: n, cols: n, elements: c.covariance)), sde, time: t)
            return GaussianMixture.Component(weight: c.weight, mean: g.mean, covariance: g.covariance.symmetrized.elements)
        })
    }

    /// Exact mean and covariance (row-major) of the whole law at time t.
    public func moments(at t: Double) -> (mean: [Double], covariance: [Double]) {
        let (m0, c0) = initial.moments
        let n = m0.count
        let g = MomentClosure.propagate(Gaussian(mean: m0, covariance: Matrix(rows: n, cols: n, elements: c0)), sde, time: t)
        return (g.mean, g.covariance.symmetrized.elements)
    }

    /// Laws the density passes through at the given times (per component when they are Gaussian), plus
    /// the stationary law when it exists: what the box must hold.
    public func envelopes(times: [Double]) -> [GridPlanner.Envelope] {
        var result: [GridPlanner.Envelope] = []
        for t in times {
            if let mix = density(at: t) {
                result += mix.components.map { GridPlanner.Envelope(time: t, mean: $0.mean, covariance: $0.covariance) }
            } else {
                let m = moments(at: t)
                result.append(GridPlanner.Envelope(time: t, mean: m.mean, covariance: m.covariance))
            }
        }
        return result
    }
}

extension GaussianMixture {
    /// Mean and covariance (row-major) of the mixture, by the law of total covariance.
    public var moments: (mean: [Double], covariance: [Double]) {
        let n = dimension
        let total = components.reduce(0) { $0 + $1.weight }
        var mean = [Double](repeating: 0, count: n)
        for c in components { for i in 0..<n { mean[i] += c.weight / total * c.mean[i] } }
        var cov = [Double](repeating: 0, count: n * n)
        for c in components {
            let w = c.weight / total
            for i in 0..<n {
                for j in 0..<n {
                    cov[i * n + j] += w * (c.covariance[i * n + j] + (c.mean[i] - mean[i]) * (c.mean[j] - mean[j]))
                }
            }
        }
        return (mean, cov)
    }
}
