import Foundation

/// Exact second moments of the discrete heavy-ball recursion itself (physics.md §2, §3.3), with gradient
/// noise of constant covariance C_S Σ: the benchmark for simulated SGD, which the continuous model matches
/// only to O(η(h+λ)/(1+β)).
///
/// In the state y = (θ − μ_λ, b), with b PyTorch's momentum buffer, one step is y' = M y + G ξ with
/// M = [[I − ηH_λ, −ηβI], [H_λ, βI]] and G = [−ηI; I]; the stationary covariance solves the Stein equation
/// Y = M Y Mᵀ + G C_S Σ Gᵀ. It is reported for (θ_k, v_k) with v_k = −b_k = (θ_k − θ_{k−1})/η.
public enum DiscreteSGDTheory {
    /// The one-step matrix M of (θ − μ_λ, b).
    public static func stepMatrix(_ sde: LangevinSDE) -> Matrix {
        let d = sde.parameterDimension, eta = sde.hyperparameters.learningRate, beta = sde.hyperparameters.momentum
        let ident = Matrix.identity(d)
        return Matrix.block([[ident - eta * sde.regularizedHessian, (-eta * beta) * ident], [sde.regularizedHessian, beta * ident]])
    }

    /// The stationary covariance of (θ_k, v_k), n×n; the mean is (μ_λ, 0). Throws for state-dependent noise
    /// (its moments do not close on the discrete chain in this form) and for a chain without a stationary law.
    public static func stationaryCovariance(_ sde: LangevinSDE) throws(ModelError) -> Matrix {
        guard !sde.noise.isStateDependent else { throw ModelError.stateDependentNoise(model: sde.noise.name) }
        if let free = sde.modes.first(where: { $0.regime == .free }) {
            throw ModelError.noStationaryDistribution(direction: free.direction)
        }
        let d = sde.parameterDimension, n = 2 * d
        let eta = sde.hyperparameters.learningRate
        let sigma = sde.hyperparameters.batchNoiseFactor * sde.noise.covariance(at: sde.regularizedMinimum, loss: sde.loss)
        let loading = Matrix.block([[(-eta) * Matrix.identity(d)], [Matrix.identity(d)]])
        let q = loading * sigma * loading.transposed
        let y = try stein(stepMatrix(sde), q)
        // (θ, b) → (θ, v = −b).
        var flip = Matrix.identity(n)
        for i in d..<n { flip[i, i] = -1 }
        return (flip * y * flip).symmetrized
    }

    /// The solution Y of Y = M Y Mᵀ + Q, from the Kronecker system (I − M⊗M) vec Y = vec Q (n² unknowns;
    /// at most 16 here).
    public static func stein(_ m: Matrix, _ q: Matrix) throws(ModelError) -> Matrix {
        let n = m.rows
        let system = Matrix.identity(n * n) - Matrix.kronecker(m, m)
        return Matrix(rows: n, cols: n, elements: try system.solve(q.elements)).symmetrized
    }

    /// The factor by which the discrete chain's stationary variances of θ and v exceed the continuous
    /// model's, per mode, for noise proportional to H: 1/(1 − η(h+λ)/(2(1+β))) (physics.md §3.3).
    public static func varianceFactor(curvature h: Double, _ hp: Hyperparameters) -> Double {
        1 / (1 - hp.learningRate * (h + hp.weightDecay) / (2 * (1 + hp.momentum)))
    }
}
