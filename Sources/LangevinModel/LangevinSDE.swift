import Foundation

/// The underdamped Langevin model of momentum SGD (physics.md §3-§4):
///
///     dθ = v dt,   m dv = −(1−β) v dt − ∇L_λ(θ) dt + √(η C_S) Σ(θ)^½ dW,   m = η(1+β)/2,
///
/// written in phase space x = (θ, v) as dx = −A(x − x*) dt + √(2D(θ)) dW with
/// A = [[0, −I], [H_λ/m, ((1−β)/m) I]], D = [[0, 0], [0, D_vv(θ)]], D_vv(θ) = η C_S Σ(θ)/(2m²).
///
/// The initialiser validates every input and throws a `ModelError` whose message names the run-file key.
public struct LangevinSDE: Sendable {
    /// η, β, S, λ and N as validated.
    public let hyperparameters: Hyperparameters
    /// H and μ as validated.
    public let loss: QuadraticLoss
    /// The per-sample gradient covariance model.
    public let noise: NoiseModel

    /// d.
    public let parameterDimension: Int
    /// n = 2d.
    public var phaseDimension: Int { 2 * parameterDimension }

    /// H_λ = H + λI.
    public let regularizedHessian: Matrix
    /// μ_λ = H_λ⁻¹Hμ, the minimiser of L + (λ/2)|θ|² (μ itself when λ = 0, also for singular H).
    public let regularizedMinimum: [Double]
    /// x* = (μ_λ, 0), length n.
    public let stationaryPoint: [Double]
    /// A (n×n); the drift is −A(x − x*).
    public let driftMatrix: Matrix
    /// The eigenmodes of H in ascending order of curvature.
    public let modes: [Mode]

    /// m = η(1+β)/2.
    public var mass: Double { hyperparameters.mass }
    /// γ = (1−β)/(η(1+β)).
    public var gamma: Double { hyperparameters.gamma }
    /// η C_S/(2m²): D_vv(θ) = diffusionPrefactor · Σ(θ).
    public var diffusionPrefactor: Double {
        hyperparameters.learningRate * hyperparameters.batchNoiseFactor / (2 * mass * mass)
    }

    /// True when some mode is free (h + λ = 0): A is then not Hurwitz and there is no stationary law.
    public var hasFreeMode: Bool { modes.contains { $0.regime == .free } }

    /// Validates every input (physics.md §1-§4 and the contract's list) and builds A, x* and the modes.
    /// Throws the first problem found, as a `ModelError` whose message names the run-file key.
    public init(hyperparameters: Hyperparameters, loss: QuadraticLoss, noise: NoiseModel) throws(ModelError) {
        let hp = hyperparameters
        let eta = hp.learningRate, beta = hp.momentum, s = hp.batchSize, lambda = hp.weightDecay
        guard eta.isFinite, eta > 0 else { throw ModelError.invalidLearningRate(eta) }
        guard beta.isFinite, beta >= 0, beta < 1 else { throw ModelError.invalidMomentum(beta) }
        guard s.isFinite, s >= 1 else { throw ModelError.invalidBatchSize(s) }
        if let n = hp.datasetSize {
            guard n.isFinite, n > 1, n >= s else { throw ModelError.invalidDatasetSize(datasetSize: n, batchSize: s) }
        }
        guard lambda.isFinite, lambda >= 0 else { throw ModelError.invalidWeightDecay(lambda) }

        let h = loss.hessian
        guard h.rows > 0, h.cols > 0 else { throw ModelError.emptyHessian }
        guard h.isSquare else { throw ModelError.hessianNotSquare(rows: h.rows, columns: h.cols) }
        guard h.isFinite else { throw ModelError.nonFiniteEntries(key: "[loss] hessian") }
        guard h.isSymmetric(tolerance: 1e-12) else {
            throw ModelError.hessianNotSymmetric(asymmetry: h.asymmetry, largestEntry: h.maxAbs)
        }
        let d = h.rows
        let eigen = h.symmetricEigen()
        let largest = eigen.values.map(abs).max() ?? 0
        if let lowest = eigen.values.first, lowest < -1e-12 * largest {
            throw ModelError.hessianNotPositiveSemidefinite(eigenvalue: lowest)
        }
        guard loss.minimum.count == d else { throw ModelError.minimumWrongLength(expected: d, found: loss.minimum.count) }
        guard loss.minimum.allSatisfy(\.isFinite) else { throw ModelError.nonFiniteEntries(key: "[loss] minimum") }
        try Self.validate(noise, dimension: d)

        // Eigenvalues at round-off level of zero are zero (flat directions), never slightly negative.
        let curvatures = eigen.values.map { abs($0) <= 1e-12 * largest ? 0 : $0 }
        if let hMax = curvatures.last, eta * (hMax + lambda) >= 2 * (1 + beta) {
            throw ModelError.unstableDiscreteSGD(curvature: hMax, weightDecay: lambda, learningRate: eta, momentum: beta)
        }

        self.hyperparameters = hp
        self.loss = loss
        self.noise = noise
        self.parameterDimension = d
        let ident = Matrix.identity(d)
        let hl = h + lambda * ident
        self.regularizedHessian = hl
        if lambda == 0 {
            self.regularizedMinimum = loss.minimum
        } else {
            // H_λ is positive definite here (λ > 0, H ⪰ 0), so the solve cannot fail.
            self.regularizedMinimum = (try? hl.solve(h * loss.minimum)) ?? loss.minimum
        }
        self.stationaryPoint = regularizedMinimum + [Double](repeating: 0, count: d)
        let m = hp.mass
        self.driftMatrix = Matrix.block([[.zeros(d, d), -ident], [hl / m, (hp.friction / m) * ident]])

        let gamma = hp.gamma
        let scaleOfModes = curvatures.map { $0 + lambda }.max() ?? 0
        self.modes = (0..<d).map { i in
            let k = curvatures[i] + lambda
            let omega2 = k / m
            let regime: DampingRegime
            if k <= 1e-14 * scaleOfModes {
                regime = .free
            } else if omega2 > gamma * gamma * (1 + 1e-12) {
                regime = .underdamped
            } else if omega2 < gamma * gamma * (1 - 1e-12) {
                regime = .overdamped
            } else {
                regime = .critical
            }
            return Mode(curvature: curvatures[i], direction: eigen.vectors.column(i),
                        omegaSquared: regime == .free ? 0 : omega2, gamma: gamma, regime: regime)
        }

        guard driftMatrix.isFinite, diffusionPrefactor.isFinite,
              velocityDiffusion(at: regularizedMinimum).isFinite
        else { throw ModelError.derivedMatrixNotFinite }

        if noise.isStateDependent {
            try MomentClosure.checkFiniteSecondMoments(self)
        }
    }

    private static func validate(_ noise: NoiseModel, dimension d: Int) throws(ModelError) {
        switch noise {
        case .hessian(let scale), .isotropic(let scale):
            guard scale.isFinite, scale >= 0 else { throw ModelError.invalidNoiseScale(scale) }
        case .lossHessian(let labelNoise):
            guard labelNoise.isFinite, labelNoise >= 0 else { throw ModelError.invalidLabelNoise(labelNoise) }
        case .matrix(let sigma):
            guard sigma.rows == d, sigma.cols == d else {
                throw ModelError.noiseMatrixWrongSize(expected: d, rows: sigma.rows, columns: sigma.cols)
            }
            guard sigma.isFinite else { throw ModelError.nonFiniteEntries(key: "[noise] matrix") }
            guard sigma.isSymmetric(tolerance: 1e-12) else {
                throw ModelError.noiseMatrixNotSymmetric(asymmetry: sigma.asymmetry, largestEntry: sigma.maxAbs)
            }
            let values = sigma.symmetricEigen().values
            let largest = values.map(abs).max() ?? 0
            if let lowest = values.first, lowest < -1e-12 * largest {
                throw ModelError.noiseMatrixNotPositiveSemidefinite(eigenvalue: lowest)
            }
        }
    }

    /// The drift −A(x − x*) at the uncentred phase-space point x = (θ, v).
    public func drift(at x: [Double]) -> [Double] {
        precondition(x.count == phaseDimension, "Phase-space point has \(x.count) entries, need \(phaseDimension)")
        return (driftMatrix * subtract(x, stationaryPoint)).map { -$0 }
    }

    /// D_vv(θ) = η C_S Σ(θ)/(2m²) (d×d) at the uncentred parameters θ.
    public func velocityDiffusion(at theta: [Double]) -> Matrix {
        precondition(theta.count == parameterDimension, "θ has \(theta.count) entries, need \(parameterDimension)")
        return diffusionPrefactor * noise.covariance(at: theta, loss: loss)
    }

    /// D_vv when the noise does not depend on θ, else nil.
    public var constantVelocityDiffusion: Matrix? {
        noise.isStateDependent ? nil : velocityDiffusion(at: regularizedMinimum)
    }

    /// The full n×n diffusion matrix D(θ) = [[0, 0], [0, D_vv(θ)]].
    public func diffusion(at theta: [Double]) -> Matrix {
        embedVelocityBlock(velocityDiffusion(at: theta))
    }

    /// E[D_vv(θ)] for θ with the given mean and covariance (d-vectors and d×d); exact for every noise model.
    public func expectedVelocityDiffusion(thetaMean: [Double], thetaCovariance: Matrix) -> Matrix {
        diffusionPrefactor * noise.expectedCovariance(mean: thetaMean, covariance: thetaCovariance, loss: loss)
    }

    /// E[D] (n×n) for a phase-space distribution with the given mean and covariance (uncentred).
    public func expectedDiffusion(mean: [Double], covariance: Matrix) -> Matrix {
        let d = parameterDimension
        return embedVelocityBlock(expectedVelocityDiffusion(
            thetaMean: Array(mean[0..<d]), thetaCovariance: covariance.block(rows: 0..<d, cols: 0..<d)))
    }

    /// The FDT temperature of the constant-noise models: κ = η C_S σ²/(2(1−β)) for `.hessian(scale: σ²)`
    /// (mode i then has temperature κ h_i) and T = η C_S s/(2(1−β)) for `.isotropic(scale: s)`; nil otherwise.
    public var temperature: Double? {
        let base = hyperparameters.learningRate * hyperparameters.batchNoiseFactor / (2 * hyperparameters.friction)
        switch noise {
        case .hessian(let scale), .isotropic(let scale): return base * scale
        default: return nil
        }
    }

    /// [[0, 0], [0, block]] for a d×d block.
    func embedVelocityBlock(_ block: Matrix) -> Matrix {
        let d = parameterDimension
        var full = Matrix.zeros(2 * d, 2 * d)
        full.setBlock(row: d, col: d, block)
        return full
    }
}
