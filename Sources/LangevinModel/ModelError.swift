import Foundation

/// Everything that can go wrong when building or analysing the Langevin model.
///
/// Each `description` is one sentence that says what is wrong and which run-file key to change.
public enum ModelError: Error, CustomStringConvertible, Equatable, Sendable {
    /// η ≤ 0 or not finite.
    case invalidLearningRate(Double)
    /// β outside [0, 1) or not finite.
    case invalidMomentum(Double)
    /// S < 1 or not finite.
    case invalidBatchSize(Double)
    /// N given but N ≤ 1, N < S, or not finite.
    case invalidDatasetSize(datasetSize: Double, batchSize: Double)
    /// λ < 0 or not finite.
    case invalidWeightDecay(Double)
    /// The Hessian has no entries.
    case emptyHessian
    /// The Hessian is not square.
    case hessianNotSquare(rows: Int, columns: Int)
    /// A matrix given as nested rows has rows of different lengths (row is zero-based).
    case raggedMatrix(key: String, row: Int, expected: Int, found: Int)
    /// NaN or infinity in the input named by `key`.
    case nonFiniteEntries(key: String)
    /// max |H_ij − H_ji| exceeds 1e-12 of the largest |H_ij|.
    case hessianNotSymmetric(asymmetry: Double, largestEntry: Double)
    /// The Hessian has an eigenvalue below −1e-12 of its largest |eigenvalue|.
    case hessianNotPositiveSemidefinite(eigenvalue: Double)
    /// The minimum does not have d entries.
    case minimumWrongLength(expected: Int, found: Int)
    /// The noise matrix is not d×d.
    case noiseMatrixWrongSize(expected: Int, rows: Int, columns: Int)
    /// The noise matrix is not symmetric (relative 1e-12 of its largest entry).
    case noiseMatrixNotSymmetric(asymmetry: Double, largestEntry: Double)
    /// The noise matrix has an eigenvalue below −1e-12 of its largest |eigenvalue|.
    case noiseMatrixNotPositiveSemidefinite(eigenvalue: Double)
    /// The noise scale (σ² or s) is negative or not finite.
    case invalidNoiseScale(Double)
    /// The label-noise variance σ_ε² is negative or not finite.
    case invalidLabelNoise(Double)
    /// η(h+λ) ≥ 2(1+β) for the Hessian eigenvalue `curvature`: discrete heavy-ball SGD diverges.
    case unstableDiscreteSGD(curvature: Double, weightDecay: Double, learningRate: Double, momentum: Double)
    /// The second moments under loss-hessian noise grow without bound.
    /// `minimumBatchSize` is the batch size above which they stay finite at this learning rate;
    /// `curvature` is set in d = 1 without weight decay, where the condition is ηh < S(1−β).
    case infiniteSecondMoments(
        learningRate: Double, batchSize: Double, momentum: Double, minimumBatchSize: Double, curvature: Double?)
    /// The drift or diffusion matrix overflowed.
    case derivedMatrixNotFinite
    /// A is not Hurwitz: the loss is flat along `direction` and λ = 0.
    case noStationaryDistribution(direction: [Double])
    /// A Gaussian-theory routine was asked for a stationary law under state-dependent noise.
    case stateDependentNoise(model: String)
    /// A linear system is singular to working precision.
    case singularMatrix(size: Int)
    /// A matrix passed to a Cholesky factorisation is not positive definite.
    case notPositiveDefinite(size: Int)
    /// The stationary law exists but has no density: some direction receives no noise (covariance
    /// eigenvalue at round-off level of zero), as along a flat direction of the loss with weight decay.
    case degenerateStationaryLaw(direction: [Double])

    /// One sentence: what is wrong and which run-file key to change.
    public var description: String {
        switch self {
        case .invalidLearningRate(let eta):
            return "The learning rate must be positive and finite (got \(fmt(eta))); set [sgd] learning_rate to a value > 0."
        case .invalidMomentum(let beta):
            return "The momentum must satisfy 0 ≤ β < 1 (got \(fmt(beta))); set [sgd] momentum to a value in [0, 1)."
        case .invalidBatchSize(let s):
            return "The batch size must be finite and at least 1 (got \(fmt(s))); set [sgd] batch_size to a value ≥ 1."
        case .invalidDatasetSize(let n, let s):
            return "The dataset size must be finite, larger than 1 and at least the batch size \(fmt(s)) (got \(fmt(n))); "
                + "set [sgd] dataset_size to a value ≥ [sgd] batch_size, or remove it for sampling with replacement."
        case .invalidWeightDecay(let lambda):
            return "The weight decay must be non-negative and finite (got \(fmt(lambda))); set [sgd] weight_decay to a value ≥ 0."
        case .emptyHessian:
            return "The Hessian is empty; set [loss] hessian to a d×d matrix with d ≥ 1."
        case .hessianNotSquare(let r, let c):
            return "The Hessian must be square but has \(r) rows and \(c) columns; set [loss] hessian to a d×d matrix."
        case .raggedMatrix(let key, let row, let expected, let found):
            return "Row \(row + 1) of \(key) has \(found) entries but row 1 has \(expected); give every row of \(key) the same length."
        case .nonFiniteEntries(let key):
            return "The input \(key) contains a non-finite number (NaN or infinity); replace it by finite values."
        case .hessianNotSymmetric(let asym, let largest):
            return "The Hessian is not symmetric (largest |H_ij − H_ji| = \(fmt(asym)), more than 1e-12 of its largest entry "
                + "\(fmt(largest))); set [loss] hessian to a symmetric matrix."
        case .hessianNotPositiveSemidefinite(let ev):
            return "The Hessian has the negative eigenvalue \(fmt(ev)), so the loss has no minimum; "
                + "set [loss] hessian to a positive semi-definite matrix."
        case .minimumWrongLength(let expected, let found):
            return "The minimum has \(found) entries but the Hessian is \(expected)×\(expected); "
                + "set [loss] minimum to a list of \(expected) numbers."
        case .noiseMatrixWrongSize(let expected, let r, let c):
            return "The noise matrix is \(r)×\(c) but the Hessian is \(expected)×\(expected); "
                + "set [noise] matrix to a \(expected)×\(expected) matrix."
        case .noiseMatrixNotSymmetric(let asym, let largest):
            return "The noise matrix is not symmetric (largest |Σ_ij − Σ_ji| = \(fmt(asym)), more than 1e-12 of its largest entry "
                + "\(fmt(largest))); set [noise] matrix to a symmetric matrix."
        case .noiseMatrixNotPositiveSemidefinite(let ev):
            return "The noise matrix has the negative eigenvalue \(fmt(ev)), but a covariance cannot; "
                + "set [noise] matrix to a positive semi-definite matrix."
        case .invalidNoiseScale(let s):
            return "The noise scale must be non-negative and finite (got \(fmt(s))); set [noise] scale to a value ≥ 0."
        case .invalidLabelNoise(let s):
            return "The label-noise variance must be non-negative and finite (got \(fmt(s))); set [noise] label_noise to a value ≥ 0."
        case .unstableDiscreteSGD(let h, let lambda, let eta, let beta):
            let limit = 2 * (1 + beta) / (h + lambda)
            return "Discrete SGD diverges along the Hessian eigenvalue h = \(fmt(h)) because η(h+λ) = \(fmt(eta * (h + lambda))) "
                + "is not below 2(1+β) = \(fmt(2 * (1 + beta))); set [sgd] learning_rate below \(fmt(limit)) = 2(1+β)/(h+λ)."
        case .infiniteSecondMoments(let eta, let s, let beta, let sMin, let h):
            var text = "The loss-hessian noise makes the second moments infinite at learning rate \(fmt(eta)) and batch size \(fmt(s)); "
                + "reduce [sgd] learning_rate or increase [sgd] batch_size above \(fmt(sMin))"
            if let h {
                text += " (in one dimension without weight decay the condition is ηh < S(1−β), here ηh = \(fmt(eta * h)) "
                    + "and S(1−β) = \(fmt(s * (1 - beta))))"
            }
            return text + "."
        case .derivedMatrixNotFinite:
            return "The drift or diffusion matrix overflows to non-finite values; "
                + "bring [sgd] learning_rate, [loss] hessian and the [noise] values to moderate magnitudes."
        case .noStationaryDistribution(let u):
            return "The loss is flat along the direction (\(u.map(fmt).joined(separator: ", "))) and there is no weight decay, "
                + "so nothing confines that direction and no stationary distribution exists; "
                + "set [sgd] weight_decay > 0 or give [loss] hessian full rank."
        case .stateDependentNoise(let model):
            return "The \(model) noise depends on θ, so the stationary law is not Gaussian and the Lyapunov equation does not apply; "
                + "use the exact moment closure or choose a constant noise model (hessian, matrix or isotropic) in [noise]."
        case .singularMatrix(let n):
            return "A \(n)×\(n) linear system is singular to working precision; "
                + "make sure [loss] hessian plus [sgd] weight_decay leaves no direction without curvature."
        case .degenerateStationaryLaw(let u):
            return "No noise reaches the phase-space direction (\(u.map(fmt).joined(separator: ", "))), so the stationary law "
                + "collapses onto a lower-dimensional set and has no density on a grid; give [noise] full rank along it "
                + "(for example [noise] model = \"isotropic\") or study that direction with sgdfp solve."
        case .notPositiveDefinite(let n):
            return "A \(n)×\(n) matrix that must be positive definite is not; "
                + "pass a symmetric positive-definite matrix (for example a covariance with no zero-variance direction)."
        }
    }
}

/// Six significant digits, as in the oracle tables of physics.md.
func fmt(_ x: Double) -> String {
    String(format: "%.6g", x)
}
