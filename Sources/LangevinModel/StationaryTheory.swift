import Foundation

/// The exact stationary objects of the linear model with constant noise (physics.md §6): the Gaussian
/// law N(x*, P), the modified-loss precision U = P⁻¹, the circulation matrix Q = AP − D, and the
/// integrals of the stationary current J_ss = −QU(x − x*)p_ss that the current module measures on a grid.
/// `init(_:law:)` gives the same objects for any Gaussian law of the model, such as a transient frame's.
public struct StationaryTheory: Sendable {
    /// N(x*, P) with AP + PAᵀ = 2D.
    public let law: Gaussian
    /// U = P⁻¹: Φ = −log p_ss = ½(x − x*)ᵀU(x − x*) + const.
    public let precision: Matrix
    /// ∫(x − x*)Jᵀ dx: for the stationary law Q = AP − D, antisymmetric.
    public let circulation: Matrix
    /// (P_θθ)⁻¹: the precision of the θ-marginal, ≠ U_θθ when P_θv ≠ 0 (physics.md §6.4).
    public let thetaMarginalPrecision: Matrix
    /// Entropy production with momentum parity, e_p = tr(D_vv⁻¹ M P Mᵀ) with the irreversible velocity
    /// current J_irr,v = M(x − x*)p; nil when D_vv is singular (then e_p is not finite unless J_irr = 0).
    public let entropyProduction: Double?
    /// ∫|J_ss|²/p_ss dx = tr(Q U Qᵀ).
    public let currentSquaredIntegral: Double
    /// ∫|J| dx = E‖QUx‖ for x ~ N(0, P), since J = −QUx p; nil for a law off the stationary mean.
    public let currentAbsoluteIntegral: Double?
    /// Per eigenmode (u_i, h_i) of H: ∫(a J_b − b J_a) dx in the plane a = u_iᵀ(θ − μ_λ), b = u_iᵀv;
    /// negative means clockwise with θ horizontal and v vertical.
    public let eigenPlaneCirculations: [Double]
    /// For d = 2: ∫(θ̃₁J_θ₂ − θ̃₂J_θ₁) dx = 2(Q_θθ)₁₂, nonzero only without detailed balance.
    public let thetaPlaneCirculation: Double?
    /// The angular frequency of the current in eigen-plane i, √(−∫a J_b dx / ∫a² p dx) as the current module
    /// measures it: ω_i = √((h_i + λ)/m) for the stationary law.
    public let rotationFrequencies: [Double]

    /// Throws for state-dependent noise (no Gaussian law), for a free direction (no stationary law), and
    /// for a degenerate law (a direction that no noise reaches, such as a flat direction with weight decay).
    public init(_ sde: LangevinSDE) throws(ModelError) {
        let p = try GaussianTheory.stationaryCovariance(sde)
        let eigen = p.symmetricEigen()
        let largest = eigen.values.last ?? 0
        if let smallest = eigen.values.first, smallest <= 1e-12 * largest {
            throw ModelError.degenerateStationaryLaw(direction: eigen.vectors.column(0))
        }
        try self.init(sde, law: Gaussian(mean: sde.stationaryPoint, covariance: p))
    }

    /// The same objects for the Gaussian law N(m, P) of the constant-noise model, stationary or not: with
    /// z = x − m and m̃ = m − x*, J/p = Kz + b with K = DU − A and b = −Am̃, so ∫J = b,
    /// ∫(x − x*)Jᵀ = PKᵀ + m̃bᵀ and ∫|J|²/p = tr(KPKᵀ) + |b|² (physics.md §6.5 at stationarity, where K = −QU
    /// and b = 0). Throws when P is not positive definite or the noise depends on the state.
    public init(_ sde: LangevinSDE, law: Gaussian) throws(ModelError) {
        guard let dvv = sde.constantVelocityDiffusion else { throw ModelError.notPositiveDefinite(size: sde.phaseDimension) }
        let d = sde.parameterDimension, n = 2 * d
        let p = law.covariance
        let u = try p.inverse().symmetrized
        let a = sde.driftMatrix
        var diffusion = Matrix.zeros(n, n)
        diffusion.setBlock(row: d, col: d, dvv)
        let offset = zip(law.mean, sde.stationaryPoint).map { $0 - $1 }
        let k = diffusion * u - a, b = (a * offset).map { -$0 }
        let q = p * k.transposed + Matrix.outer(offset, b)
        self.law = law
        precision = u
        circulation = q
        thetaMarginalPrecision = try p.block(rows: 0..<d, cols: 0..<d).inverse().symmetrized
        currentSquaredIntegral = (k * p * k.transposed).trace + b.reduce(0) { $0 + $1 * $1 }
        let stationary = offset.allSatisfy { $0 == 0 }
        currentAbsoluteIntegral = stationary
            ? Self.expectedNorm(covarianceEigenvalues: (k * p * k.transposed).symmetrized.symmetricEigen().values) : nil

        // J_irr,v = (−A_vv v + D_vv (U z)_v) p = (M z + c) p with M = [D_vv U_vθ, −A_vv + D_vv U_vv], c = −A_vv m̃_v.
        let dEigen = dvv.symmetricEigen()
        if let lo = dEigen.values.first, let hi = dEigen.values.last, lo > 1e-12 * hi, let dInverse = try? dvv.inverse() {
            let avv = a.block(rows: d..<n, cols: d..<n)
            let left = dvv * u.block(rows: d..<n, cols: 0..<d)
            let right = dvv * u.block(rows: d..<n, cols: d..<n) - avv
            let m = Matrix.block([[left, right]])
            let c = (avv * Array(offset[d...])).map { -$0 }
            entropyProduction = (dInverse * m * p * m.transposed).trace + dot(c, dInverse * c)
        } else {
            entropyProduction = nil
        }

        let qThetaV = q.block(rows: 0..<d, cols: d..<n), qVTheta = q.block(rows: d..<n, cols: 0..<d)
        let antisymmetric = qThetaV - qVTheta
        eigenPlaneCirculations = sde.modes.map { dot($0.direction, antisymmetric * $0.direction) }
        thetaPlaneCirculation = d == 2 ? q[0, 1] - q[1, 0] : nil
        // ∫a J_b = uᵀ q_θv u and ∫a² p = uᵀ (P + m̃m̃ᵀ)_θθ u in eigen-plane (a, b) = (uᵀθ̃, uᵀv).
        let second = (p + Matrix.outer(offset, offset)).block(rows: 0..<d, cols: 0..<d)
        rotationFrequencies = sde.modes.map { mode in
            let aJb = dot(mode.direction, q.block(rows: 0..<d, cols: d..<n) * mode.direction), aa = dot(mode.direction, second * mode.direction)
            return stationary ? mode.omega : aa > 0 && aJb < 0 ? (-aJb / aa).squareRoot() : 0
        }
    }
}

extension StationaryTheory {
    /// E‖z‖ for z ~ N(0, C) from the eigenvalues of C, by √a = (1/(2√π)) ∫₀^∞ (1 − e^{−at}) t^{−3/2} dt and
    /// E e^{−t‖z‖²} = ∏(1 + 2tλᵢ)^{−1/2}. With t = eˢ the integrand decays like e^{±s/2} at both ends and is
    /// analytic, so the trapezoid rule in s converges exponentially (to round-off at this spacing).
    static func expectedNorm(covarianceEigenvalues values: [Double]) -> Double {
        let lambdas = values.map { max($0, 0) }
        guard let largest = lambdas.max(), largest > 0 else { return 0 }
        let h = 0.02, centre = -log(largest)
        var sum = 0.0
        for k in -4000...4000 {
            let s = centre + Double(k) * h, t = exp(s)
            // 1 − ∏ without cancellation for small t: −expm1(Σ −½ log1p(2tλ)).
            sum += -expm1(lambdas.reduce(0) { $0 - 0.5 * log1p(2 * t * $1) }) * exp(-0.5 * s)
        }
        return sum * h / (2 * Double.pi.squareRoot())
    }
}

extension LangevinSDE {
    /// Whether H_λ and the noise covariance commute, the condition for detailed balance with momentum
    /// parity (physics.md §6.6); nil for state-dependent noise, where the condition does not apply.
    public var noiseCommutesWithHessian: Bool? {
        guard let dvv = constantVelocityDiffusion else { return nil }
        let h = regularizedHessian
        let commutator = h * dvv - dvv * h
        return commutator.maxAbs <= 1e-12 * max(h.maxAbs * dvv.maxAbs, .leastNormalMagnitude)
    }

    /// The single temperature T of p_ss ∝ exp(−[L_λ(θ) + ½m|v|²]/T), which exists iff the minibatch noise
    /// C_S Σ is a multiple s·I of the identity (physics.md §6.3): T = η C_S s/(2(1−β)). Nil otherwise,
    /// and for state-dependent or vanishing noise.
    public var gibbsTemperature: Double? {
        guard !noise.isStateDependent else { return nil }
        let sigma = noise.covariance(at: regularizedMinimum, loss: loss)
        let d = Double(parameterDimension)
        let s = sigma.trace / d
        guard s > 0, (sigma - s * Matrix.identity(parameterDimension)).maxAbs <= 1e-12 * sigma.maxAbs else { return nil }
        return hyperparameters.learningRate * hyperparameters.batchNoiseFactor * s / (2 * hyperparameters.friction)
    }

    /// The velocity temperature T_v = C_S σ²/(1−β²) of the paper's noise Σ = σ²H, in which the stationary
    /// law is p_ss ∝ exp(−Ψ/T_v) (physics.md §6.4); nil for other noise models, σ² = 0 or singular H.
    public var modifiedLossTemperature: Double? {
        guard case .hessian(let scale) = noise, scale > 0, modes.allSatisfy({ $0.curvature > 0 }) else { return nil }
        let beta = hyperparameters.momentum
        return hyperparameters.batchNoiseFactor * scale / (1 - beta * beta)
    }

    /// The Hessian of the modified loss Ψ(θ, v) = (1/m)·½θ̃ᵀ(I + λH⁻¹)θ̃ + ½vᵀH⁻¹v (physics.md §6.4),
    /// as an n×n matrix over centred phase space; nil whenever `modifiedLossTemperature` is nil.
    public var modifiedLossHessian: Matrix? {
        guard modifiedLossTemperature != nil, let hInverse = try? loss.hessian.inverse() else { return nil }
        let d = parameterDimension
        let theta = (Matrix.identity(d) + hyperparameters.weightDecay * hInverse) / mass
        return Matrix.block([[theta.symmetrized, .zeros(d, d)], [.zeros(d, d), hInverse.symmetrized]])
    }

    /// The reference temperature κ_ref = η C_S tr(Σ)/(2d(1−β)) that turns the dimensionless Φ into a loss
    /// (physics.md §6.4), with Σ at the regularised minimum; nil when it vanishes.
    public var referenceTemperature: Double? {
        let sigma = noise.covariance(at: regularizedMinimum, loss: loss)
        let kappa = hyperparameters.learningRate * hyperparameters.batchNoiseFactor * sigma.trace
            / (2 * Double(parameterDimension) * hyperparameters.friction)
        return kappa > 0 ? kappa : nil
    }
}
