import Foundation

/// Heavy-ball SGD hyperparameters (PyTorch convention, no dampening, no Nesterov; physics.md §2).
public struct Hyperparameters: Sendable, Equatable {
    /// η.
    public var learningRate: Double
    /// β, in [0, 1).
    public var momentum: Double
    /// S (a real number so that sweeps can treat it as continuous; ≥ 1).
    public var batchSize: Double
    /// λ ≥ 0, added to the gradient as λθ.
    public var weightDecay: Double
    /// N for batches drawn without replacement from N samples; nil for sampling with replacement.
    public var datasetSize: Double?

    /// Stores the values as given; `LangevinSDE.init` validates them.
    public init(learningRate: Double, momentum: Double, batchSize: Double, weightDecay: Double = 0,
                datasetSize: Double? = nil) {
        self.learningRate = learningRate
        self.momentum = momentum
        self.batchSize = batchSize
        self.weightDecay = weightDecay
        self.datasetSize = datasetSize
    }

    /// C_S: the minibatch gradient covariance is C_S Σ. 1/S with replacement, (N−S)/(S(N−1)) without
    /// (physics.md §1).
    public var batchNoiseFactor: Double {
        if let n = datasetSize {
            return (n - batchSize) / (batchSize * (n - 1))
        }
        return 1 / batchSize
    }

    /// m = η(1+β)/2.
    public var mass: Double { learningRate * (1 + momentum) / 2 }

    /// The friction coefficient 1 − β (the friction rate is (1−β)/m = 2γ).
    public var friction: Double { 1 - momentum }

    /// γ = (1−β)/(η(1+β)), half the friction rate.
    public var gamma: Double { (1 - momentum) / (learningRate * (1 + momentum)) }
}
