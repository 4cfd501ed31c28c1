import Foundation

/// The per-sample gradient covariance Σ(θ) (physics.md §1 and §4). The minibatch noise is C_S Σ(θ).
public enum NoiseModel: Sendable, Equatable {
    /// Σ = scale · H, the paper's model (scale = σ²).
    case hessian(scale: Double)
    /// Σ = the given constant d×d matrix.
    case matrix(Matrix)
    /// Σ = scale · I.
    case isotropic(scale: Double)
    /// Gaussian-design linear regression with label-noise variance σ_ε² = `labelNoise`:
    /// Σ(θ) = (δᵀHδ + σ_ε²)H + Hδδᵀ H with δ = θ − μ (the unregularised minimum).
    case lossHessian(labelNoise: Double)

    /// The run-file name of the model: "hessian", "matrix", "isotropic" or "loss-hessian".
    public var name: String {
        switch self {
        case .hessian: return "hessian"
        case .matrix: return "matrix"
        case .isotropic: return "isotropic"
        case .lossHessian: return "loss-hessian"
        }
    }

    /// True when Σ depends on θ (only `.lossHessian`).
    public var isStateDependent: Bool {
        if case .lossHessian = self { return true }
        return false
    }

    /// Σ(θ) (d×d) at the uncentred parameters θ.
    public func covariance(at theta: [Double], loss: QuadraticLoss) -> Matrix {
        switch self {
        case .hessian(let scale): return scale * loss.hessian
        case .matrix(let m): return m
        case .isotropic(let scale): return scale * Matrix.identity(loss.dimension)
        case .lossHessian(let labelNoise):
            let h = loss.hessian
            let hDelta = loss.gradient(theta)
            let delta = subtract(theta, loss.minimum)
            return (dot(delta, hDelta) + labelNoise) * h + Matrix.outer(hDelta, hDelta)
        }
    }

    /// E[Σ(θ)] when θ has the given mean and covariance (any distribution: Σ is at most quadratic in θ).
    /// For `.lossHessian` this is (tr(H S) + σ_ε²)H + H S H with S = E[δδᵀ] = C + (m−μ)(m−μ)ᵀ.
    public func expectedCovariance(mean: [Double], covariance: Matrix, loss: QuadraticLoss) -> Matrix {
        switch self {
        case .lossHessian:
            let offset = subtract(mean, loss.minimum)
            return expectedCovariance(secondMoment: covariance + Matrix.outer(offset, offset), loss: loss)
        default:
            return self.covariance(at: mean, loss: loss)
        }
    }

    /// E[Σ(θ)] from S = E[(θ−μ)(θ−μ)ᵀ]. Affine in S: constant part plus `stateDependentPart(S)`.
    func expectedCovariance(secondMoment s: Matrix, loss: QuadraticLoss) -> Matrix {
        switch self {
        case .lossHessian(let labelNoise):
            return labelNoise * loss.hessian + stateDependentPart(s, hessian: loss.hessian)
        default:
            return covariance(at: loss.minimum, loss: loss)
        }
    }

    /// The part of E[Σ] that is linear in S = E[δδᵀ]: tr(HS)H + HSH for `.lossHessian`, zero otherwise.
    func stateDependentPart(_ s: Matrix, hessian h: Matrix) -> Matrix {
        guard isStateDependent else { return .zeros(h.rows, h.cols) }
        let hs = h * s
        return hs.trace * h + hs * h
    }
}
