import Foundation

/// Exact time correlations of the stationary linear model (physics.md §8.1, §11): the mean-squared
/// displacement, the effective temperature from the fluctuation-dissipation relation, and the replica
/// distance. Constant noise; correlations are traces over θ.
public enum FluctuationTheory {
    /// E‖θ(t) − θ(0)‖² from a stationary start: 2 tr[P − e^{−At}P]_θθ.
    public static func stationaryDisplacement(_ sde: LangevinSDE, time t: Double) throws(ModelError) -> Double {
        let p = try GaussianTheory.stationaryCovariance(sde)
        let d = sde.parameterDimension
        let e = GaussianTheory.propagator(sde, time: t)
        return 2 * (p - e * p).block(rows: 0..<d, cols: 0..<d).trace
    }

    /// The replica distance E‖θᵃ(t) − θᵇ(t)‖² of two copies started at the same point with independent
    /// noise: 2 tr W_θθ(t) (physics.md §11.4). Any A, including flat directions.
    public static func replicaDistance(_ sde: LangevinSDE, time t: Double) -> Double {
        let d = sde.parameterDimension
        return 2 * GaussianTheory.noiseIntegral(sde, time: t).block(rows: 0..<d, cols: 0..<d).trace
    }

    /// The correlation C(τ) = tr[e^{−Aτ}P]_θθ and the integrated response χ(τ) = tr[A⁻¹(I − e^{−Aτ})]_θv/m
    /// of θ to a constant force on θ (L → L − f·θ), at lag τ ≥ 0.
    public static func correlationAndResponse(_ sde: LangevinSDE, lag tau: Double) throws(ModelError) -> (correlation: Double, response: Double) {
        let p = try GaussianTheory.stationaryCovariance(sde)
        let d = sde.parameterDimension, n = 2 * d
        let e = GaussianTheory.propagator(sde, time: tau)
        let integral = try sde.driftMatrix.solve(Matrix.identity(n) - e)
        return ((e * p).block(rows: 0..<d, cols: 0..<d).trace, integral.block(rows: 0..<d, cols: d..<n).trace / sde.mass)
    }

    /// T_eff(τ) = (C(0) − C(τ))/χ(τ): the kinetic temperature m tr P_vv/d as τ → 0 (returned for τ = 0),
    /// the static one tr P_θθ/tr H_λ⁻¹ as τ → ∞, and the FDT temperature at every lag in equilibrium.
    public static func effectiveTemperature(_ sde: LangevinSDE, lag tau: Double) throws(ModelError) -> Double {
        let p = try GaussianTheory.stationaryCovariance(sde)
        let d = sde.parameterDimension, n = 2 * d
        guard tau > 0 else { return sde.mass * p.block(rows: d..<n, cols: d..<n).trace / Double(d) }
        let c0 = p.block(rows: 0..<d, cols: 0..<d).trace
        let (c, chi) = try correlationAndResponse(sde, lag: tau)
        return (c0 - c) / chi
    }

    /// T_static = tr P_θθ / tr H_λ⁻¹, the τ → ∞ limit of T_eff.
    public static func staticTemperature(_ sde: LangevinSDE) throws(ModelError) -> Double {
        let p = try GaussianTheory.stationaryCovariance(sde)
        let d = sde.parameterDimension
        return p.block(rows: 0..<d, cols: 0..<d).trace / (try sde.regularizedHessian.inverse()).trace
    }
}
