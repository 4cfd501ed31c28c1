import Foundation

/// Exact Gaussian theory of the linear SDE with constant noise (physics.md §5.2, §6, §7).
public enum GaussianTheory {
    /// The stationary covariance P solving the Lyapunov equation A P + P Aᵀ = 2D.
    ///
    /// Solved in closed form in the eigenbasis of H. Writing P = [[X, Y], [Yᵀ, Z]] and K = H_λ/m, the
    /// block equations give Y = (KX − XK)/(4γ), Z = (KX + XK)/2 and, per pair of modes (i, j),
    /// X̃_ij = 2D̃_ij / [(k_i − k_j)²/(4γ) + 2γ(k_i + k_j)] with D̃ = VᵀD_vvV. This is the solution of the
    /// Kronecker system (I⊗A + A⊗I) vec P = vec 2D (the tests check both), but every entry keeps full
    /// relative accuracy, whereas the n²-unknown Kronecker solve loses up to ‖H_λ‖/m relative digits in
    /// P_θθ (6e-8 at η = 10⁻⁴, h = 50). The result is symmetric.
    /// Throws when the noise depends on θ (the stationary law is then not Gaussian; see `MomentClosure`)
    /// or when a flat direction without weight decay makes A non-Hurwitz.
    public static func stationaryCovariance(_ sde: LangevinSDE) throws(ModelError) -> Matrix {
        guard let dvv = sde.constantVelocityDiffusion else {
            throw ModelError.stateDependentNoise(model: sde.noise.name)
        }
        if let free = sde.modes.first(where: { $0.regime == .free }) {
            throw ModelError.noStationaryDistribution(direction: free.direction)
        }
        let frame = ModalFrame(sde)
        let d = frame.d
        let dTilde = frame.rotate(dvv).symmetrized
        let k = frame.stiffness
        let gamma = frame.gamma
        var x = Matrix.zeros(d, d), y = Matrix.zeros(d, d), z = Matrix.zeros(d, d)
        for i in 0..<d {
            for j in 0..<d {
                let diff = k[i] - k[j]
                let xij = 2 * dTilde[i, j] / (diff * diff / (4 * gamma) + 2 * gamma * (k[i] + k[j]))
                x[i, j] = xij
                y[i, j] = diff * xij / (4 * gamma)
                z[i, j] = 0.5 * (k[i] + k[j]) * xij
            }
        }
        let yOriginal = frame.unrotate(y)
        let p = Matrix.block([[frame.unrotate(x), yOriginal], [yOriginal.transposed, frame.unrotate(z)]])
        return p.symmetrized
    }

    /// The stationary covariance from the Kronecker system (I⊗A + A⊗I) vec P = vec 2D (n² unknowns,
    /// at most 64 for n ≤ 8): a general Lyapunov solver for any Hurwitz A, kept as an independent check of
    /// `stationaryCovariance`. Less accurate in P_θθ for stiff models (see there).
    public static func stationaryCovarianceByKronecker(_ sde: LangevinSDE) throws(ModelError) -> Matrix {
        guard let dvv = sde.constantVelocityDiffusion else {
            throw ModelError.stateDependentNoise(model: sde.noise.name)
        }
        if let free = sde.modes.first(where: { $0.regime == .free }) {
            throw ModelError.noStationaryDistribution(direction: free.direction)
        }
        let n = sde.phaseDimension
        let rhs = 2 * sde.embedVelocityBlock(dvv)
        let vecP = try lyapunovOperator(sde.driftMatrix).solve(rhs.elements)
        return Matrix(rows: n, cols: n, elements: vecP).symmetrized
    }

    /// The stationary law N(x*, P) for constant noise (see `stationaryCovariance`).
    public static func stationary(_ sde: LangevinSDE) throws(ModelError) -> Gaussian {
        Gaussian(mean: sde.stationaryPoint, covariance: try stationaryCovariance(sde))
    }

    /// e^{−At}, the propagator of the mean about x*, computed as S⁻¹e^{−A't}S in balanced mode
    /// coordinates (see `ModalFrame`), where A' splits into 2×2 blocks.
    public static func propagator(_ sde: LangevinSDE, time t: Double) -> Matrix {
        let frame = ModalFrame(sde)
        return frame.backward * (-t * frame.driftMatrix).exponential() * frame.forward
    }

    /// The exact law at time t ≥ 0 from a Gaussian start (physics.md §7):
    /// m(t) = x* + e^{−At}(m₀ − x*), P(t) = e^{−At}P₀e^{−Aᵀt} + W(t). Valid for any A, including flat
    /// directions without weight decay. For state-dependent noise this returns the exact first and
    /// second moments of `MomentClosure.propagate` (the law itself is then not Gaussian).
    public static func propagate(_ g: Gaussian, _ sde: LangevinSDE, time t: Double) -> Gaussian {
        precondition(g.dimension == sde.phaseDimension, "Gaussian has dimension \(g.dimension), model \(sde.phaseDimension)")
        precondition(t >= 0, "propagate needs t ≥ 0")
        if sde.noise.isStateDependent { return MomentClosure.propagate(g, sde, time: t) }
        let frame = ModalFrame(sde)
        let e = (-t * frame.driftMatrix).exponential()
        let z = frame.toModal(subtract(g.mean, sde.stationaryPoint))
        let mean = add(sde.stationaryPoint, frame.fromModal(e * z))
        let p0 = frame.toModal(g.covariance)
        let cov = e * p0 * e.transposed + modalNoiseIntegral(sde, frame: frame, time: t)
        return Gaussian(mean: mean, covariance: frame.fromModal(cov))
    }

    /// W(t) = ∫₀ᵗ e^{−As} 2D e^{−Aᵀs} ds, the covariance grown from a point mass.
    ///
    /// Van Loan's block exponential expm([[−A, 2D], [0, Aᵀ]]τ) = [[e^{−Aτ}, G], [0, e^{Aᵀτ}]] gives
    /// W(τ) = G e^{−Aᵀτ} on a short interval τ = t/2^k with ‖Aτ‖₁ ≤ ½; then W(2τ) = W(τ) + e^{−Aτ}W(τ)e^{−Aᵀτ}
    /// doubles it up to t. The doubling adds positive semi-definite terms only, whereas the block
    /// exponential over the whole interval would cancel e^{Aᵀt} against e^{−Aᵀt} and lose all digits for
    /// stiff A. Everything runs in balanced mode coordinates (`ModalFrame`). Works for any A (no Hurwitz
    /// assumption). For state-dependent noise, W(t) is the covariance grown from a point mass at x* under
    /// the exact moment closure.
    public static func noiseIntegral(_ sde: LangevinSDE, time t: Double) -> Matrix {
        precondition(t >= 0, "noiseIntegral needs t ≥ 0")
        if sde.noise.isStateDependent {
            return MomentClosure.propagate(.pointMass(at: sde.stationaryPoint), sde, time: t).covariance
        }
        let frame = ModalFrame(sde)
        return frame.fromModal(modalNoiseIntegral(sde, frame: frame, time: t))
    }

    /// W'(t) = S W(t) Sᵀ for constant noise.
    static func modalNoiseIntegral(_ sde: LangevinSDE, frame: ModalFrame, time t: Double) -> Matrix {
        let n = frame.n
        guard t > 0, let dvv = sde.constantVelocityDiffusion else { return .zeros(n, n) }
        var twoD = Matrix.zeros(n, n)
        twoD.setBlock(row: frame.d, col: frame.d, 2 * frame.rotate(dvv).symmetrized)
        return noiseIntegral(drift: frame.driftMatrix, twiceDiffusion: twoD, time: t)
    }

    /// W(t) = ∫₀ᵗ e^{−As} 2D e^{−Aᵀs} ds for any drift matrix A and constant 2D, by Van Loan's block
    /// exponential on a short interval followed by doubling (see `noiseIntegral(_:time:)`).
    public static func noiseIntegral(drift a: Matrix, twiceDiffusion twoD: Matrix, time t: Double) -> Matrix {
        let n = a.rows
        guard t > 0 else { return .zeros(n, n) }
        let norm = a.oneNorm * t
        guard norm.isFinite else { return Matrix(rows: n, cols: n, elements: [Double](repeating: .nan, count: n * n)) }
        let k = norm > 0.5 ? Int(clamping: log2(norm / 0.5), to: 0...2000, rounding: .up) : 0
        let tau = t / Double(sign: .plus, exponent: k, significand: 1)
        let big = Matrix.block([[-tau * a, tau * twoD], [.zeros(n, n), tau * a.transposed]]).exponential()
        var e = big.block(rows: 0..<n, cols: 0..<n)
        var w = (big.block(rows: 0..<n, cols: n..<(2 * n)) * e.transposed).symmetrized
        for _ in 0..<k {
            w = (w + e * w * e.transposed).symmetrized
            e = e * e
        }
        return w
    }

    /// Q = A P − D (physics.md §6.5): antisymmetric when P is the stationary covariance; its θθ block is
    /// −P_vθ and ∫(x−x*)J_ssᵀdx = Q. For state-dependent noise D is replaced by E[D] under N(x*, P),
    /// which keeps Q antisymmetric at the moment-closure stationary covariance.
    public static func circulation(_ sde: LangevinSDE, covariance p: Matrix) -> Matrix {
        let d = sde.constantVelocityDiffusion.map { sde.embedVelocityBlock($0) }
            ?? sde.expectedDiffusion(mean: sde.stationaryPoint, covariance: p)
        return sde.driftMatrix * p - d
    }

    /// The n²×n² matrix of P ↦ AP + PAᵀ acting on row-major vec P: A⊗I + I⊗A.
    static func lyapunovOperator(_ a: Matrix) -> Matrix {
        let ident = Matrix.identity(a.rows)
        return Matrix.kronecker(a, ident) + Matrix.kronecker(ident, a)
    }
}
