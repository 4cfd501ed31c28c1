import Foundation
import LangevinModel

/// The minibatch gradient g_k(θ) of one SGD step, including weight decay (physics.md §2).
public protocol GradientOracle: Sendable {
    var dimension: Int { get }
    /// Writes g(θ) into `g`, drawing the step's randomness from `rng`; `scratch` is per-chain work space.
    func gradient(at theta: UnsafeMutableBufferPointer<Double>, into g: UnsafeMutableBufferPointer<Double>,
                  rng: inout RandomSource, scratch: inout [Double])
}

/// g = ∇L_λ(θ) + ξ with ξ ~ N(0, C_S Σ(θ)): the decomposition of physics.md §2, exact for sampling with
/// replacement, for any noise model of a `LangevinSDE` (the loss-hessian noise is factorised at every step).
public struct ModelNoiseGradient: GradientOracle {
    public let sde: LangevinSDE
    public var dimension: Int { sde.parameterDimension }
    private let hessian: [Double]
    private let offset: [Double]
    /// A square root F with FFᵀ = C_S Σ, row-major, for constant noise.
    private let factor: [Double]?

    public init(_ sde: LangevinSDE) {
        self.sde = sde
        hessian = sde.regularizedHessian.elements
        offset = sde.loss.hessian * sde.loss.minimum
        factor = sde.noise.isStateDependent ? nil : Self.squareRoot(sde.hyperparameters.batchNoiseFactor
            * sde.noise.covariance(at: sde.regularizedMinimum, loss: sde.loss))
    }

    /// V diag(√max(λ, 0)) for a symmetric positive semi-definite matrix (singular ones included).
    static func squareRoot(_ m: Matrix) -> [Double] {
        let (values, vectors) = m.symmetricEigen()
        let d = m.rows
        var f = [Double](repeating: 0, count: d * d)
        for i in 0..<d { for j in 0..<d { f[i * d + j] = vectors[i, j] * max(values[j], 0).squareRoot() } }
        return f
    }

    public func gradient(at theta: UnsafeMutableBufferPointer<Double>, into g: UnsafeMutableBufferPointer<Double>,
                         rng: inout RandomSource, scratch: inout [Double]) {
        let d = dimension
        let f: [Double]
        if let factor { f = factor } else {
            let sigma = sde.hyperparameters.batchNoiseFactor * sde.noise.covariance(at: Array(theta), loss: sde.loss)
            f = Self.squareRoot(sigma)
        }
        for j in 0..<d { scratch[j] = rng.normal() }
        for i in 0..<d {
            var s = -offset[i]
            for j in 0..<d { s += hessian[i * d + j] * theta[j] + f[i * d + j] * scratch[j] }
            g[i] = s
        }
    }
}

/// The same for a quadratic already in its eigenbasis, L = ½Σ h_i(θ_i − μ_i)², with Σ = σ²H: O(d) per
/// step, for spectra of thousands of modes (anomalous diffusion). ‖θ_k − θ_0‖ does not depend on the
/// basis, so this is the matching quadratic of any H with that spectrum.
public struct DiagonalModelGradient: GradientOracle {
    public let curvatures: [Double]
    public let minimum: [Double]
    public let weightDecay: Double
    private let noise: [Double]
    public var dimension: Int { curvatures.count }

    public init(hyperparameters: Hyperparameters, curvatures: [Double], noiseScale: Double, minimum: [Double]? = nil) {
        self.curvatures = curvatures
        self.minimum = minimum ?? [Double](repeating: 0, count: curvatures.count)
        weightDecay = hyperparameters.weightDecay
        noise = curvatures.map { (hyperparameters.batchNoiseFactor * noiseScale * $0).squareRoot() }
    }

    public func gradient(at theta: UnsafeMutableBufferPointer<Double>, into g: UnsafeMutableBufferPointer<Double>,
                         rng: inout RandomSource, scratch: inout [Double]) {
        for i in 0..<curvatures.count {
            g[i] = curvatures[i] * (theta[i] - minimum[i]) + weightDecay * theta[i] + noise[i] * rng.normal()
        }
    }
}
