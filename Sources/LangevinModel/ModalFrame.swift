import Foundation

/// Balanced eigenmode coordinates x' = S x for numerical work.
///
/// S = [[diag(s) Vᵀ, 0], [0, Vᵀ]] with V the eigenvectors of H (shared with H_λ) and s_i = ω_i = √k_i,
/// k_i = (h_i+λ)/m (s_i = γ for free modes). In these coordinates A' = S A S⁻¹ =
/// [[0, −diag(s)], [diag(k/s), 2γ I]] decouples into 2×2 blocks, and the stationary covariance of each
/// mode has equal θ' and v' variances (k Var θ = Var v per mode). Solving in the original coordinates
/// instead mixes blocks whose entries differ by factors up to ‖H_λ‖/m (10⁶ for η = 10⁻⁴) and loses that
/// many digits in P_θθ; here every block keeps full relative accuracy.
struct ModalFrame: Sendable {
    let d: Int
    /// V: column i is the direction of mode i.
    let vectors: Matrix
    /// h_i as stored in the modes (round-off zeros snapped to 0).
    let curvatures: [Double]
    /// k_i = (h_i+λ)/m.
    let stiffness: [Double]
    let gamma: Double
    /// s_i.
    let scales: [Double]

    init(_ sde: LangevinSDE) {
        d = sde.parameterDimension
        var v = Matrix.zeros(d, d)
        for (j, mode) in sde.modes.enumerated() {
            for i in 0..<d { v[i, j] = mode.direction[i] }
        }
        vectors = v
        curvatures = sde.modes.map(\.curvature)
        stiffness = sde.modes.map { $0.regime == .free ? 0 : $0.omegaSquared }
        gamma = sde.gamma
        scales = sde.modes.map { $0.regime == .free ? sde.gamma : $0.omega }
    }

    var n: Int { 2 * d }

    /// A' = [[0, −diag(s)], [diag(k/s), 2γ I]].
    var driftMatrix: Matrix {
        var a = Matrix.zeros(n, n)
        for i in 0..<d {
            a[i, d + i] = -scales[i]
            a[d + i, i] = stiffness[i] / scales[i]
            a[d + i, d + i] = 2 * gamma
        }
        return a
    }

    /// x' = S x for a centred phase-space vector.
    func toModal(_ x: [Double]) -> [Double] {
        let vt = vectors.transposed
        let theta = vt * Array(x[0..<d])
        let vel = vt * Array(x[d..<n])
        return zip(theta, scales).map { $0 * $1 } + vel   // θ' block, then v' block
    }

    /// x = S⁻¹ x'.
    func fromModal(_ x: [Double]) -> [Double] {
        let theta = zip(Array(x[0..<d]), scales).map { $0 / $1 }
        return vectors * theta + vectors * Array(x[d..<n])   // θ block, then v block
    }

    /// S M Sᵀ for a symmetric n×n matrix M (covariances, diffusion matrices).
    func toModal(_ m: Matrix) -> Matrix {
        congruence(m, left: forward)
    }

    /// S⁻¹ M S⁻ᵀ.
    func fromModal(_ m: Matrix) -> Matrix {
        congruence(m, left: backward)
    }

    /// S.
    var forward: Matrix {
        let top = Matrix.diagonal(scales) * vectors.transposed
        return Matrix.block([[top, .zeros(d, d)], [.zeros(d, d), vectors.transposed]])
    }

    /// S⁻¹.
    var backward: Matrix {
        let left = vectors * Matrix.diagonal(scales.map { 1 / $0 })
        return Matrix.block([[left, .zeros(d, d)], [.zeros(d, d), vectors]])
    }

    /// Vᵀ M V for a d×d matrix (a velocity-space or parameter-space tensor in mode coordinates).
    func rotate(_ m: Matrix) -> Matrix {
        vectors.transposed * m * vectors
    }

    /// V M Vᵀ.
    func unrotate(_ m: Matrix) -> Matrix {
        vectors * m * vectors.transposed
    }

    private func congruence(_ m: Matrix, left: Matrix) -> Matrix {
        (left * m * left.transposed).symmetrized
    }
}
