import Foundation

/// Exact first and second moments for every noise model, including the state-dependent loss-hessian
/// noise (physics.md §9.10).
///
/// The drift is linear and E[Σ(θ)] is affine in the second moments, so the moments close:
/// dm/dt = −A(m − x*), dP/dt = −AP − PAᵀ + 2E[D(θ)], with E[Σ] = (tr(H S) + σ_ε²)H + H S H and
/// S = P_θθ + (m_θ − μ)(m_θ − μ)ᵀ for loss-hessian noise, and E[Σ] = Σ otherwise (which reduces
/// everything to `GaussianTheory`). Only the moments are exact: under state-dependent noise the law is
/// not Gaussian.
public enum MomentClosure {
    /// The stationary mean x* and covariance P: the solution of AP + PAᵀ = 2E[D] with the mean at x*,
    /// from the linear system in vec P (n² unknowns), set up in balanced mode coordinates (`ModalFrame`)
    /// so that P_θθ and P_vv keep their relative accuracy for stiff models.
    ///
    /// Throws `noStationaryDistribution` for a flat direction without weight decay and
    /// `infiniteSecondMoments` when the second-moment dynamics is unstable. The stability test is exact:
    /// the moments are finite iff the solution X of the same operator with a positive-definite right side
    /// is positive definite (the noise feedback is a positive map). P itself may be singular, in
    /// directions that receive no noise.
    public static func stationary(_ sde: LangevinSDE) throws(ModelError) -> Gaussian {
        if let free = sde.modes.first(where: { $0.regime == .free }) {
            throw ModelError.noStationaryDistribution(direction: free.direction)
        }
        let frame = ModalFrame(sde)
        let system = SecondMomentSystem(sde, frame: frame)
        guard let p = system.stationarySecondMoments() else {
            try checkFiniteSecondMoments(sde)
            // A stable second-moment operator is invertible, so this is unreachable.
            throw ModelError.singularMatrix(size: system.n * system.n)
        }
        return Gaussian(mean: sde.stationaryPoint, covariance: frame.fromModal(p))
    }

    /// The exact first and second moments at time t ≥ 0 from initial moments g (uncentred).
    ///
    /// The centred covariance P, the outer product N = zzᵀ of the mean offset z = m − x*, and z itself
    /// obey a linear system with constant coefficients; it is integrated exactly by one matrix
    /// exponential of size 2n² + n + 1 (37 for d = 2), in balanced mode coordinates. Carrying N rather
    /// than E[xxᵀ] avoids the cancellation of E[xxᵀ] − mmᵀ when the mean is far from x*.
    public static func propagate(_ g: Gaussian, _ sde: LangevinSDE, time t: Double) -> Gaussian {
        precondition(g.dimension == sde.phaseDimension, "Gaussian has dimension \(g.dimension), model \(sde.phaseDimension)")
        precondition(t >= 0, "propagate needs t ≥ 0")
        let frame = ModalFrame(sde)
        let system = SecondMomentSystem(sde, frame: frame)
        let n = system.n
        let z0 = frame.toModal(subtract(g.mean, sde.stationaryPoint))
        let state0 = frame.toModal(g.covariance).elements + Matrix.outer(z0, z0).elements + z0 + [1]
        let state = (t * system.augmentedGenerator()).exponential() * state0
        let p = Matrix(rows: n, cols: n, elements: Array(state[0..<(n * n)]))
        let mean = add(sde.stationaryPoint, frame.fromModal((-t * frame.driftMatrix).exponential() * z0))
        return Gaussian(mean: mean, covariance: frame.fromModal(p))
    }

    /// Throws `infiniteSecondMoments` (with the smallest batch size that keeps them finite) when the
    /// closed second-moment dynamics is unstable. Free modes (flat directions with λ = 0) are left out:
    /// in mode coordinates neither noise nor force reaches them, and the rest is autonomous.
    static func checkFiniteSecondMoments(_ sde: LangevinSDE) throws(ModelError) {
        guard sde.noise.isStateDependent else { return }
        let kept = sde.modes.indices.filter { sde.modes[$0].regime != .free }
        let system = SecondMomentSystem(sde, frame: ModalFrame(sde)).restricted(to: kept)
        if system.d == 0 || system.isStable(feedbackScale: 1) { return }
        // The feedback is C_S times a fixed positive map, so stability holds exactly for C_S below a
        // critical value: find it by bisection on the scale of the feedback.
        var lo = 0.0, hi = 1.0
        for _ in 0..<200 where hi - lo > 1e-14 * hi {
            let mid = 0.5 * (lo + hi)
            if system.isStable(feedbackScale: mid) { lo = mid } else { hi = mid }
        }
        let hp = sde.hyperparameters
        let criticalFactor = lo * hp.batchNoiseFactor
        let minimumBatchSize: Double
        if let n = hp.datasetSize {
            minimumBatchSize = n / (1 + criticalFactor * (n - 1))   // solves (N−S)/(S(N−1)) = C_crit
        } else {
            minimumBatchSize = 1 / criticalFactor
        }
        let curvature: Double? = (sde.parameterDimension == 1 && hp.weightDecay == 0) ? sde.modes[0].curvature : nil
        throw ModelError.infiniteSecondMoments(
            learningRate: hp.learningRate, batchSize: hp.batchSize, momentum: hp.momentum,
            minimumBatchSize: minimumBatchSize, curvature: curvature)
    }
}

/// The closed second-moment dynamics in balanced mode coordinates x' = S x (`ModalFrame`).
///
/// In mode coordinates H̃ = diag(h), E[Σ̃] = Σ̃₀ + F(S̃) with S̃ = E[δ̃δ̃ᵀ] (δ̃ = Vᵀ(θ−μ)),
/// F(S̃) = tr(H̃S̃)H̃ + H̃S̃H̃ for loss-hessian noise and F = 0 otherwise; D'_vv = c E[Σ̃] with
/// c = η C_S/(2m²), and θ̃ = θ'/s per mode.
struct SecondMomentSystem {
    let d: Int
    var n: Int { 2 * d }
    /// A' = [[0, −diag(s)], [diag(k/s), 2γ I]].
    let a: Matrix
    let curvatures: [Double]
    let scales: [Double]
    /// Vᵀ(μ_λ − μ): the mean offset of θ from the noise centre at stationarity.
    let offset: [Double]
    let prefactor: Double
    /// Σ̃₀ = VᵀΣ₀V.
    let constantSigma: Matrix
    let stateDependent: Bool

    init(_ sde: LangevinSDE, frame: ModalFrame) {
        d = frame.d
        a = frame.driftMatrix
        curvatures = frame.curvatures
        scales = frame.scales
        offset = frame.vectors.transposed * subtract(sde.regularizedMinimum, sde.loss.minimum)
        prefactor = sde.diffusionPrefactor
        stateDependent = sde.noise.isStateDependent
        if case .lossHessian(let labelNoise) = sde.noise {
            constantSigma = labelNoise * Matrix.diagonal(frame.curvatures)
        } else {
            constantSigma = frame.rotate(sde.noise.covariance(at: sde.regularizedMinimum, loss: sde.loss)).symmetrized
        }
    }

    private init(d: Int, a: Matrix, curvatures: [Double], scales: [Double], offset: [Double], prefactor: Double,
                 constantSigma: Matrix, stateDependent: Bool) {
        self.d = d
        self.a = a
        self.curvatures = curvatures
        self.scales = scales
        self.offset = offset
        self.prefactor = prefactor
        self.constantSigma = constantSigma
        self.stateDependent = stateDependent
    }

    /// The subsystem of the given modes (valid when the others are decoupled, as free modes are).
    func restricted(to kept: [Int]) -> SecondMomentSystem {
        let phase = kept + kept.map { d + $0 }
        var ar = Matrix.zeros(phase.count, phase.count)
        for (i, pi) in phase.enumerated() { for (j, pj) in phase.enumerated() { ar[i, j] = a[pi, pj] } }
        var sr = Matrix.zeros(kept.count, kept.count)
        for (i, ki) in kept.enumerated() { for (j, kj) in kept.enumerated() { sr[i, j] = constantSigma[ki, kj] } }
        return SecondMomentSystem(d: kept.count, a: ar, curvatures: kept.map { curvatures[$0] },
                                  scales: kept.map { scales[$0] }, offset: kept.map { offset[$0] },
                                  prefactor: prefactor, constantSigma: sr, stateDependent: stateDependent)
    }

    /// F(S̃) with H̃ = diag(h).
    func feedback(_ s: Matrix) -> Matrix {
        guard stateDependent else { return .zeros(d, d) }
        var trace = 0.0
        for k in 0..<d { trace += curvatures[k] * s[k, k] }
        var f = Matrix.zeros(d, d)
        for i in 0..<d {
            for j in 0..<d { f[i, j] = curvatures[i] * s[i, j] * curvatures[j] }
            f[i, i] += trace * curvatures[i]
        }
        return f
    }

    /// diag(1/s) M diag(1/s): θ' second moments to θ̃ second moments.
    func unscaled(_ m: Matrix) -> Matrix {
        var out = m
        for i in 0..<d { for j in 0..<d { out[i, j] = m[i, j] / (scales[i] * scales[j]) } }
        return out
    }

    func embed(_ vv: Matrix) -> Matrix {
        var full = Matrix.zeros(n, n)
        full.setBlock(row: d, col: d, vv)
        return full
    }

    /// The n²×n² matrix of P' ↦ A'P' + P'A'ᵀ − scale·2c[[0, 0], [0, F(S̃(P'_θθ))]] on row-major vec P'.
    func stationaryOperator(feedbackScale scale: Double) -> Matrix {
        var op = GaussianTheory.lyapunovOperator(a)
        guard stateDependent, scale != 0 else { return op }
        let nn = n * n
        for i in 0..<d {
            for j in 0..<d {
                var unit = Matrix.zeros(d, d)
                unit[i, j] = 1
                let column = embed(feedback(unscaled(unit))).elements
                let k = i * n + j   // vec index of P'[i, j] (θθ block)
                for r in 0..<nn where column[r] != 0 { op[r, k] -= scale * 2 * prefactor * column[r] }
            }
        }
        return op
    }

    /// True when the second-moment dynamics with feedback scaled by `scale` is stable: the solution X of
    /// the stationary operator with right side I is positive definite (see `MomentClosure.stationary`).
    func isStable(feedbackScale scale: Double) -> Bool {
        guard let x = try? stationaryOperator(feedbackScale: scale).solve(Matrix.identity(n).elements) else {
            return false
        }
        return (try? Matrix(rows: n, cols: n, elements: x).symmetrized.cholesky()) != nil
    }

    /// The stationary covariance in mode coordinates, or nil when the second moments are infinite.
    func stationarySecondMoments() -> Matrix? {
        let s = constantSigma + feedback(Matrix.outer(offset, offset))
        let rhs = 2 * prefactor * embed(s)
        // One factorisation, two right sides: the stability probe I and the actual noise.
        let columns = Matrix(rows: n * n, cols: 2,
                             elements: zip(Matrix.identity(n).elements, rhs.elements).flatMap { [$0, $1] })
        guard let sol = try? stationaryOperator(feedbackScale: 1).solve(columns) else { return nil }
        let probe = Matrix(rows: n, cols: n, elements: sol.column(0)).symmetrized
        guard (try? probe.cholesky()) != nil else { return nil }
        return Matrix(rows: n, cols: n, elements: sol.column(1)).symmetrized
    }

    /// The generator of the linear dynamics of the state (vec P', vec N', z', 1), N' = z'z'ᵀ, z' = S(m − x*):
    ///   dP'/dt = −A'P' − P'A'ᵀ + 2c[[0, 0], [0, Σ̃₀ + F(S̃)]],
    ///   S̃ = diag(1/s)(P'_θθ + N'_θθ)diag(1/s) + õz̃ᵀ + z̃õᵀ + õõᵀ,  z̃ = z'_θ/s,
    ///   dN'/dt = −A'N' − N'A'ᵀ,  dz'/dt = −A'z',  d1/dt = 0,
    /// built column by column from the (linear) right-hand side.
    func augmentedGenerator() -> Matrix {
        let nn = n * n
        let size = 2 * nn + n + 1
        var g = Matrix.zeros(size, size)
        let at = a.transposed
        for k in 0..<size {
            var state = [Double](repeating: 0, count: size)
            state[k] = 1
            let p = Matrix(rows: n, cols: n, elements: Array(state[0..<nn]))
            let nMat = Matrix(rows: n, cols: n, elements: Array(state[nn..<(2 * nn)]))
            let z = Array(state[(2 * nn)..<(2 * nn + n)])
            let one = state[size - 1]
            let zTheta = (0..<d).map { z[$0] / scales[$0] }
            let s = unscaled(p.block(rows: 0..<d, cols: 0..<d) + nMat.block(rows: 0..<d, cols: 0..<d))
                + Matrix.outer(offset, zTheta) + Matrix.outer(zTheta, offset) + one * Matrix.outer(offset, offset)
            let sigma = one * constantSigma + feedback(s)
            let dp = -(a * p) - p * at + 2 * prefactor * embed(sigma)
            let dn = -(a * nMat) - nMat * at
            let dz = (a * z).map { -$0 }
            let column = dp.elements + dn.elements + dz + [0]
            for r in 0..<size where column[r] != 0 { g[r, k] = column[r] }
        }
        return g
    }
}
